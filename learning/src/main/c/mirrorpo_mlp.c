/*
 * The policy network's forward and backward passes for the offline trainer (docs/training.md, "The network's
 * kernel"): a tanh MLP, y = x·W + b per layer, on row-major float32 arrays.
 *
 * Reproducible on any CPU: every output element is one chain of IEEE operations in a fixed order, and the
 * vector code only computes several such chains side by side (one per lane), so its result is bit for bit the
 * scalar code's. The chains:
 *   forward          y[r][j] = b[j];  for k ascending: y = fma(x[r][k], W[k][j], y);  hidden layers: y = tanh(y)
 *   input gradient   g[r][k] = 0;     for j ascending: g = fma(dz[r][j], W[k][j], g);  dz' = g · fma(-h, h, 1)
 *   weight gradient  G[k][j] = 0;     for r ascending: G = fma(x[r][k], dz[r][j], G)
 *   bias gradient    B[j] = 0;        for r ascending: B = B + dz[r][j]
 * and tanh is one rational function (below). The AVX-512 code runs where the CPU has it, the AVX2 + FMA code
 * where it has both of those (both from mirrorpo_mlp_vector.h), and the scalar code, with the C library's correctly
 * rounded fmaf, everywhere else. Compiled with -ffp-contract=off so that the
 * compiler fuses nothing on its own.
 */
#include <jni.h>
#include <math.h>
#include <immintrin.h>

#include "dev_mirrorpo_learning_nn_MlpKernel.h"

/*
 * tanh as an odd rational function p(x)/q(x) of degrees 13 and 6 (the coefficients of Eigen's and XLA's float
 * tanh, error within a few ulp), for |x| clamped to 7.9053111 where tanh rounds to ±1 in float32, and x itself
 * below 4e-4 where tanh(x) rounds to x. The clamps keep a NaN a NaN, so a diverging member stays visible.
 */
#define TANH_CLAMP 7.90531110763549805f
#define TANH_LINEAR_BELOW 0.0004f
static const float TANH_P[7] = {-2.76076847742355e-16f, 2.00018790482477e-13f, -8.60467152213735e-11f,
                                5.12229709037114e-08f, 1.48572235717979e-05f, 6.37261928875436e-04f,
                                4.89352455891786e-03f};
static const float TANH_Q[4] = {1.19825839466702e-06f, 1.18534705686654e-04f, 2.26843463243900e-03f,
                                4.89352518554385e-03f};

/* MlpKernel.MAX_LAYERS: the Java side refuses deeper networks. */
#define MAX_LAYERS 16

/* A layer's view of the flat parameters: W [in][out] then b [out], as GaussianPolicy lays them out. */
typedef struct {
  int in, out;
  const float *w, *b;
} layer_t;

/* ---------------------------------------------------------------------------------------------- scalar */

static float tanh_scalar(float x) {
  /* The same comparisons as the vector minimum and maximum: (a < b) ? a : b keeps b when either is NaN. */
  float clamped = (TANH_CLAMP < x) ? TANH_CLAMP : x;
  clamped = (-TANH_CLAMP > clamped) ? -TANH_CLAMP : clamped;
  float x2 = clamped * clamped;
  float p = TANH_P[0];
  for (int i = 1; i < 7; i++) p = fmaf(p, x2, TANH_P[i]);
  p = p * clamped;
  float q = TANH_Q[0];
  for (int i = 1; i < 4; i++) q = fmaf(q, x2, TANH_Q[i]);
  float ratio = p / q;
  return fabsf(x) < TANH_LINEAR_BELOW ? x : ratio;
}

static void forward_scalar(layer_t layer, int hidden, int rows, const float *x, float *y) {
  for (int r = 0; r < rows; r++) {
    for (int j = 0; j < layer.out; j++) {
      float acc = layer.b[j];
      for (int k = 0; k < layer.in; k++) acc = fmaf(x[r * layer.in + k], layer.w[k * layer.out + j], acc);
      y[r * layer.out + j] = hidden ? tanh_scalar(acc) : acc;
    }
  }
}

/* dz_in[r][k] = (Σ_j dz[r][j]·W[k][j]) · (1 − h[r][k]²), h the layer's input (a tanh layer's output). */
static void input_gradient_scalar(layer_t layer, int rows, const float *dz, const float *h, float *dz_in) {
  for (int r = 0; r < rows; r++) {
    for (int k = 0; k < layer.in; k++) {
      float acc = 0.0f;
      for (int j = 0; j < layer.out; j++) acc = fmaf(dz[r * layer.out + j], layer.w[k * layer.out + j], acc);
      float hk = h[r * layer.in + k];
      dz_in[r * layer.in + k] = acc * fmaf(-hk, hk, 1.0f);
    }
  }
}

static void parameter_gradient_scalar(layer_t layer, int rows, const float *x, const float *dz, float *gw,
                                      float *gb) {
  for (int k = 0; k < layer.in; k++) {
    for (int j = 0; j < layer.out; j++) {
      float acc = 0.0f;
      for (int r = 0; r < rows; r++) acc = fmaf(x[r * layer.in + k], dz[r * layer.out + j], acc);
      gw[k * layer.out + j] = acc;
    }
  }
  for (int j = 0; j < layer.out; j++) {
    float acc = 0.0f;
    for (int r = 0; r < rows; r++) acc = acc + dz[r * layer.out + j];
    gb[j] = acc;
  }
}

/* ---------------------------------------------------------------------------------------------- vectors */

#define INLINE static inline __attribute__((always_inline))
#define CONCAT(name, suffix) name##_##suffix
#define SUFFIXED(name, suffix) CONCAT(name, suffix)
#define NAMED(name) SUFFIXED(name, VECTOR_SET)

enum epilogue { LINEAR, TANH, TANH_DERIVATIVE };

/* Rows per block of the weight gradient: a block of x and dz stays in L1 while the tiles sweep G. */
#define GRADIENT_ROW_BLOCK 48

/* AVX2 + FMA: eight lanes; a partial vector goes through an integer lane mask. */
#define VECTOR_SET avx2
#define TARGET __attribute__((target("avx2,fma")))
#define VEC __m256
#define MASK __m256i
#define LANES 8
#define V_LANE_MASK(n) \
  _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define V_SET1 _mm256_set1_ps
#define V_ZERO _mm256_setzero_ps
#define V_LOADU _mm256_loadu_ps
#define V_STOREU _mm256_storeu_ps
#define V_MASKLOAD(p, m) _mm256_maskload_ps(p, m)
#define V_MASKSTORE(p, m, v) _mm256_maskstore_ps(p, m, v)
#define V_BROADCAST _mm256_broadcast_ss
#define V_ADD _mm256_add_ps
#define V_MUL _mm256_mul_ps
#define V_DIV _mm256_div_ps
#define V_FMADD _mm256_fmadd_ps
#define V_FNMADD _mm256_fnmadd_ps
/* (a < b) ? a : b, b when either is NaN, as the scalar code's comparison. */
#define V_MIN _mm256_min_ps
#define V_MAX _mm256_max_ps
#define V_ABS(x) _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x)
/* Lanes where a < b (ordered) take if_below, the others otherwise. */
#define V_SELECT_BELOW(a, b, if_below, otherwise) \
  _mm256_blendv_ps(otherwise, if_below, _mm256_cmp_ps(a, b, _CMP_LT_OQ))
#include "mirrorpo_mlp_vector.h"
#undef VECTOR_SET
#undef TARGET
#undef VEC
#undef MASK
#undef LANES
#undef V_LANE_MASK
#undef V_SET1
#undef V_ZERO
#undef V_LOADU
#undef V_STOREU
#undef V_MASKLOAD
#undef V_MASKSTORE
#undef V_BROADCAST
#undef V_ADD
#undef V_MUL
#undef V_DIV
#undef V_FMADD
#undef V_FNMADD
#undef V_MIN
#undef V_MAX
#undef V_ABS
#undef V_SELECT_BELOW

/* AVX-512: sixteen lanes; a partial vector goes through a bit mask. */
#define VECTOR_SET avx512
#define TARGET __attribute__((target("avx512f")))
#define VEC __m512
#define MASK __mmask16
#define LANES 16
#define V_LANE_MASK(n) ((__mmask16)((1u << (n)) - 1u))
#define V_SET1 _mm512_set1_ps
#define V_ZERO _mm512_setzero_ps
#define V_LOADU _mm512_loadu_ps
#define V_STOREU _mm512_storeu_ps
#define V_MASKLOAD(p, m) _mm512_maskz_loadu_ps(m, p)
#define V_MASKSTORE(p, m, v) _mm512_mask_storeu_ps(p, m, v)
#define V_BROADCAST(p) _mm512_set1_ps(*(p))
#define V_ADD _mm512_add_ps
#define V_MUL _mm512_mul_ps
#define V_DIV _mm512_div_ps
#define V_FMADD _mm512_fmadd_ps
#define V_FNMADD _mm512_fnmadd_ps
#define V_MIN _mm512_min_ps
#define V_MAX _mm512_max_ps
#define V_ABS _mm512_abs_ps
#define V_SELECT_BELOW(a, b, if_below, otherwise) \
  _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, b, _CMP_LT_OQ), otherwise, if_below)
#include "mirrorpo_mlp_vector.h"

/* ---------------------------------------------------------------------------------------------- passes */

/* The widest vectors this CPU runs: 16 lanes (AVX-512), 8 (AVX2 and FMA), or 1 (the scalar code). */
static int widest_lanes(void) {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return 16;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 8;
  return 1;
}

/* Wᵀ [out][in], so that the input gradient is the same product as the forward pass. */
static void transpose(layer_t layer, float *wt) {
  for (int k = 0; k < layer.in; k++) {
    for (int j = 0; j < layer.out; j++) wt[j * layer.in + k] = layer.w[k * layer.out + j];
  }
}

/* A pass's view of the Java arrays it shares: the layers over the parameters, the inputs, the hidden activations. */
typedef struct {
  int count;
  layer_t layers[MAX_LAYERS];
  float *parameters, *input, *hidden;
} network_t;

/*
 * Reads the layer sizes (before any array is held critical: no other JNI call may run while one is), then holds
 * the parameters, inputs and hidden activations; close_network lets them go (the hidden ones written back when
 * the pass wrote them).
 */
static void open_network(JNIEnv *env, jintArray sizes_array, jfloatArray parameters, jfloatArray input,
                         jfloatArray hidden, network_t *network) {
  jint sizes[MAX_LAYERS + 1];
  network->count = (*env)->GetArrayLength(env, sizes_array) - 1;
  (*env)->GetIntArrayRegion(env, sizes_array, 0, network->count + 1, sizes);
  network->parameters = (*env)->GetPrimitiveArrayCritical(env, parameters, NULL);
  network->input = (*env)->GetPrimitiveArrayCritical(env, input, NULL);
  network->hidden = (*env)->GetPrimitiveArrayCritical(env, hidden, NULL);
  size_t at = 0;
  for (int l = 0; l < network->count; l++) {
    layer_t *layer = &network->layers[l];
    layer->in = sizes[l];
    layer->out = sizes[l + 1];
    layer->w = network->parameters + at;
    at += (size_t)sizes[l] * sizes[l + 1];
    layer->b = network->parameters + at;
    at += sizes[l + 1];
  }
}

static void close_network(JNIEnv *env, jfloatArray parameters, jfloatArray input, jfloatArray hidden,
                          network_t *network, int hidden_written) {
  (*env)->ReleasePrimitiveArrayCritical(env, hidden, network->hidden, hidden_written ? 0 : JNI_ABORT);
  (*env)->ReleasePrimitiveArrayCritical(env, input, network->input, JNI_ABORT);
  (*env)->ReleasePrimitiveArrayCritical(env, parameters, network->parameters, JNI_ABORT);
}

JNIEXPORT jint JNICALL Java_dev_mirrorpo_learning_nn_MlpKernel_cpuLanes(JNIEnv *env, jclass cls) {
  (void)env;
  (void)cls;
  return widest_lanes();
}

JNIEXPORT void JNICALL Java_dev_mirrorpo_learning_nn_MlpKernel_forwardPass(JNIEnv *env, jclass cls, jintArray sizes,
                                                                       jfloatArray parameters_array,
                                                                       jfloatArray input_array, jint rows,
                                                                       jfloatArray hidden_array,
                                                                       jfloatArray output_array, jint lanes) {
  (void)cls;
  network_t network;
  open_network(env, sizes, parameters_array, input_array, hidden_array, &network);
  float *output = (*env)->GetPrimitiveArrayCritical(env, output_array, NULL);
  int count = network.count;
  const layer_t *layers = network.layers;
  const float *x = network.input;
  float *next = network.hidden;
  for (int l = 0; l < count; l++) {
    int is_hidden = l + 1 < count;
    float *y = is_hidden ? next : output;
    enum epilogue epilogue = is_hidden ? TANH : LINEAR;
    if (lanes == 16) {
      dense_avx512(rows, layers[l].in, layers[l].out, x, layers[l].w, layers[l].b, epilogue, NULL, y);
    } else if (lanes == 8) {
      dense_avx2(rows, layers[l].in, layers[l].out, x, layers[l].w, layers[l].b, epilogue, NULL, y);
    } else {
      forward_scalar(layers[l], is_hidden, rows, x, y);
    }
    x = y;
    next += (size_t)rows * layers[l].out;
  }
  (*env)->ReleasePrimitiveArrayCritical(env, output_array, output, 0);
  close_network(env, parameters_array, input_array, hidden_array, &network, 1);
}

JNIEXPORT void JNICALL Java_dev_mirrorpo_learning_nn_MlpKernel_backwardPass(
    JNIEnv *env, jclass cls, jintArray sizes, jfloatArray parameters_array, jfloatArray input_array, jint rows,
    jfloatArray hidden_array, jfloatArray output_gradient_array, jfloatArray gradient_array,
    jfloatArray scratch_array, jint lanes) {
  (void)cls;
  network_t network;
  open_network(env, sizes, parameters_array, input_array, hidden_array, &network);
  float *output_gradient = (*env)->GetPrimitiveArrayCritical(env, output_gradient_array, NULL);
  float *gradient = (*env)->GetPrimitiveArrayCritical(env, gradient_array, NULL);
  float *scratch = (*env)->GetPrimitiveArrayCritical(env, scratch_array, NULL);
  int count = network.count;
  const layer_t *layers = network.layers;
  const float *parameters = network.parameters;
  const float *input = network.input;
  const float *hidden = network.hidden;
  int widest = 0;
  for (int l = 0; l + 1 < count; l++) widest = layers[l].out > widest ? layers[l].out : widest;
  /* scratch: two [rows][widest] gradients in turn, then one Wᵀ. */
  float *dz_buffers[2] = {scratch, scratch + (size_t)rows * widest};
  float *wt = scratch + 2 * (size_t)rows * widest;
  const float *hidden_of[MAX_LAYERS];
  const float *h = hidden;
  for (int l = 0; l + 1 < count; l++) {
    hidden_of[l] = h;
    h += (size_t)rows * layers[l].out;
  }
  const float *dz = output_gradient;
  for (int l = count - 1; l >= 0; l--) {
    layer_t layer = layers[l];
    const float *x = l == 0 ? input : hidden_of[l - 1];
    float *gw = gradient + (layer.w - parameters);
    float *gb = gradient + (layer.b - parameters);
    if (lanes == 16) {
      parameter_gradient_avx512(layer, rows, x, dz, gw, gb);
    } else if (lanes == 8) {
      parameter_gradient_avx2(layer, rows, x, dz, gw, gb);
    } else {
      parameter_gradient_scalar(layer, rows, x, dz, gw, gb);
    }
    if (l > 0) {
      float *dz_in = dz_buffers[l % 2];
      if (lanes == 16) {
        transpose(layer, wt);
        dense_avx512(rows, layer.out, layer.in, dz, wt, NULL, TANH_DERIVATIVE, x, dz_in);
      } else if (lanes == 8) {
        transpose(layer, wt);
        dense_avx2(rows, layer.out, layer.in, dz, wt, NULL, TANH_DERIVATIVE, x, dz_in);
      } else {
        input_gradient_scalar(layer, rows, dz, x, dz_in);
      }
      dz = dz_in;
    }
  }
  (*env)->ReleasePrimitiveArrayCritical(env, scratch_array, scratch, JNI_ABORT);
  (*env)->ReleasePrimitiveArrayCritical(env, gradient_array, gradient, 0);
  (*env)->ReleasePrimitiveArrayCritical(env, output_gradient_array, output_gradient, JNI_ABORT);
  close_network(env, parameters_array, input_array, hidden_array, &network, 0);
}
