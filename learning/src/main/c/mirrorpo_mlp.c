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
 * and tanh is one rational function (below). The AVX2 + FMA path runs where the CPU has both; the scalar path,
 * with the C library's correctly rounded fmaf, everywhere else. Compiled with -ffp-contract=off so that the
 * compiler fuses nothing on its own.
 */
#include <jni.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
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

/* ---------------------------------------------------------------------------------------------- AVX2 + FMA */

#define AVX2 __attribute__((target("avx2,fma")))
#define INLINE static inline __attribute__((always_inline))

/* Lanes 0..n-1 set, for the last, partial vector of a row (n in 1..8). */
AVX2 INLINE __m256i lane_mask(int n) {
  static const int32_t ramp[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_loadu_si256((const __m256i *)ramp));
}

AVX2 INLINE __m256 tanh_vector(__m256 x) {
  __m256 clamped = _mm256_min_ps(_mm256_set1_ps(TANH_CLAMP), x);
  clamped = _mm256_max_ps(_mm256_set1_ps(-TANH_CLAMP), clamped);
  __m256 x2 = _mm256_mul_ps(clamped, clamped);
  __m256 p = _mm256_set1_ps(TANH_P[0]);
  for (int i = 1; i < 7; i++) p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(TANH_P[i]));
  p = _mm256_mul_ps(p, clamped);
  __m256 q = _mm256_set1_ps(TANH_Q[0]);
  for (int i = 1; i < 4; i++) q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(TANH_Q[i]));
  __m256 ratio = _mm256_div_ps(p, q);
  __m256 magnitude = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x);
  __m256 linear = _mm256_cmp_ps(magnitude, _mm256_set1_ps(TANH_LINEAR_BELOW), _CMP_LT_OQ);
  return _mm256_blendv_ps(ratio, x, linear);
}

enum epilogue { LINEAR, TANH, TANH_DERIVATIVE };

/* A vector of a row: whole (FULL, a compile-time constant where it is inlined) or its first lanes by mask. */
AVX2 INLINE __m256 load_lanes(const int full, const float *p, __m256i mask) {
  return full ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, mask);
}

AVX2 INLINE void store_lanes(const int full, float *p, __m256i mask, __m256 v) {
  if (full) {
    _mm256_storeu_ps(p, v);
  } else {
    _mm256_maskstore_ps(p, mask, v);
  }
}

/* The masks of the V vectors of a tile that starts at column j0 of rows of the given width. */
AVX2 INLINE void tile_masks(const int V, int width, int j0, __m256i *mask) {
  for (int v = 0; v < V; v++) {
    int lanes = width - j0 - 8 * v;
    mask[v] = lane_mask(lanes > 8 ? 8 : lanes);
  }
}

/*
 * y[r0..r0+R)[j0..j0+8·V): acc = init, then for k: acc = fma(a[r][k], m[k][j], acc); then the epilogue. a is
 * [rows][depth], m is [depth][width] (W for the forward pass, Wᵀ for the input gradient). FULL: every vector of
 * the tile is whole (otherwise the last ones load and store through their lane masks).
 */
AVX2 INLINE void dense_tile(const int R, const int V, const int FULL, int depth, int width, const float *a,
                            const float *m, const float *init, enum epilogue epilogue, const float *h, float *y,
                            int r0, int j0) {
  __m256 acc[6][2];
  __m256i mask[2];
  tile_masks(V, width, j0, mask);
  for (int v = 0; v < V; v++) {
    __m256 start = init ? load_lanes(FULL, init + j0 + 8 * v, mask[v]) : _mm256_setzero_ps();
    for (int i = 0; i < R; i++) acc[i][v] = start;
  }
  for (int k = 0; k < depth; k++) {
    __m256 mv[2];
    for (int v = 0; v < V; v++) mv[v] = load_lanes(FULL, m + (size_t)k * width + j0 + 8 * v, mask[v]);
    for (int i = 0; i < R; i++) {
      __m256 ai = _mm256_broadcast_ss(a + (size_t)(r0 + i) * depth + k);
      for (int v = 0; v < V; v++) acc[i][v] = _mm256_fmadd_ps(ai, mv[v], acc[i][v]);
    }
  }
  for (int i = 0; i < R; i++) {
    for (int v = 0; v < V; v++) {
      size_t at = (size_t)(r0 + i) * width + j0 + 8 * v;
      __m256 out = acc[i][v];
      if (epilogue == TANH) {
        out = tanh_vector(out);
      } else if (epilogue == TANH_DERIVATIVE) {
        __m256 hv = load_lanes(FULL, h + at, mask[v]);
        out = _mm256_mul_ps(out, _mm256_fnmadd_ps(hv, hv, _mm256_set1_ps(1.0f)));
      }
      store_lanes(FULL, y + at, mask[v], out);
    }
  }
}

/* Rows r0..r0+R) of y, every column: R rows of a stay in L1 while the tiles sweep the columns (m stays there too). */
AVX2 INLINE void dense_rows(const int R, int depth, int width, const float *a, const float *m, const float *init,
                            enum epilogue epilogue, const float *h, float *y, int r0) {
  for (int j0 = 0; j0 < width; j0 += 16) {
    int left = width - j0;
    if (left >= 16) {
      dense_tile(R, 2, 1, depth, width, a, m, init, epilogue, h, y, r0, j0);
    } else if (left > 8) {
      dense_tile(R, 2, 0, depth, width, a, m, init, epilogue, h, y, r0, j0);
    } else if (left == 8) {
      dense_tile(R, 1, 1, depth, width, a, m, init, epilogue, h, y, r0, j0);
    } else {
      dense_tile(R, 1, 0, depth, width, a, m, init, epilogue, h, y, r0, j0);
    }
  }
}

/* y = epilogue(init + a·m) over all rows and columns, in tiles of 6 rows × 16 columns. */
AVX2 static void dense_avx2(int rows, int depth, int width, const float *a, const float *m, const float *init,
                            enum epilogue epilogue, const float *h, float *y) {
  int r0 = 0;
  for (; r0 + 6 <= rows; r0 += 6) dense_rows(6, depth, width, a, m, init, epilogue, h, y, r0);
  for (; r0 < rows; r0++) dense_rows(1, depth, width, a, m, init, epilogue, h, y, r0);
}

/*
 * Rows r0..r1) of G[k0..k0+K)[j0..j0+8·V) = Σ_r x[r][k]·dz[r][j], in order in each lane, continuing the sums that
 * G holds (FIRST: starting them at 0). A float32 sum stored in G and loaded back is the same float32, so the
 * blocks of rows change no bit.
 */
AVX2 INLINE void weight_gradient_tile(const int K, const int V, const int FULL, int first, int r0, int r1, int in,
                                      int out, const float *x, const float *dz, float *gw, int k0, int j0) {
  __m256 acc[6][2];
  __m256i mask[2];
  tile_masks(V, out, j0, mask);
  for (int i = 0; i < K; i++) {
    for (int v = 0; v < V; v++) {
      acc[i][v] = first ? _mm256_setzero_ps() : load_lanes(FULL, gw + (size_t)(k0 + i) * out + j0 + 8 * v, mask[v]);
    }
  }
  for (int r = r0; r < r1; r++) {
    __m256 dv[2];
    for (int v = 0; v < V; v++) dv[v] = load_lanes(FULL, dz + (size_t)r * out + j0 + 8 * v, mask[v]);
    for (int i = 0; i < K; i++) {
      __m256 xi = _mm256_broadcast_ss(x + (size_t)r * in + k0 + i);
      for (int v = 0; v < V; v++) acc[i][v] = _mm256_fmadd_ps(xi, dv[v], acc[i][v]);
    }
  }
  for (int i = 0; i < K; i++) {
    for (int v = 0; v < V; v++) store_lanes(FULL, gw + (size_t)(k0 + i) * out + j0 + 8 * v, mask[v], acc[i][v]);
  }
}

/* Every k of G for the columns j0..j0+8·V), rows r0..r1). */
AVX2 INLINE void weight_gradient_columns(const int V, const int FULL, int first, int r0, int r1, int in, int out,
                                         const float *x, const float *dz, float *gw, int j0) {
  int k0 = 0;
  for (; k0 + 6 <= in; k0 += 6) weight_gradient_tile(6, V, FULL, first, r0, r1, in, out, x, dz, gw, k0, j0);
  for (; k0 < in; k0++) weight_gradient_tile(1, V, FULL, first, r0, r1, in, out, x, dz, gw, k0, j0);
}

/* Rows per block of the weight gradient: a block of x and dz stays in L1 while the tiles sweep G. */
#define GRADIENT_ROW_BLOCK 48

AVX2 static void parameter_gradient_avx2(layer_t layer, int rows, const float *x, const float *dz, float *gw,
                                         float *gb) {
  for (int r0 = 0; r0 < rows; r0 += GRADIENT_ROW_BLOCK) {
    int r1 = r0 + GRADIENT_ROW_BLOCK < rows ? r0 + GRADIENT_ROW_BLOCK : rows;
    int first = r0 == 0;
    for (int j0 = 0; j0 < layer.out; j0 += 16) {
      int left = layer.out - j0;
      if (left >= 16) {
        weight_gradient_columns(2, 1, first, r0, r1, layer.in, layer.out, x, dz, gw, j0);
      } else if (left > 8) {
        weight_gradient_columns(2, 0, first, r0, r1, layer.in, layer.out, x, dz, gw, j0);
      } else if (left == 8) {
        weight_gradient_columns(1, 1, first, r0, r1, layer.in, layer.out, x, dz, gw, j0);
      } else {
        weight_gradient_columns(1, 0, first, r0, r1, layer.in, layer.out, x, dz, gw, j0);
      }
    }
  }
  /* The bias gradient: eight columns' sums at a time, each over the rows in order, side by side. */
  for (int j0 = 0; j0 < layer.out; j0 += 64) {
    __m256 acc[8];
    __m256i mask[8];
    int vectors = 0;
    for (int j = j0; j < layer.out && j < j0 + 64; j += 8, vectors++) {
      int lanes = layer.out - j;
      mask[vectors] = lane_mask(lanes > 8 ? 8 : lanes);
      acc[vectors] = _mm256_setzero_ps();
    }
    for (int r = 0; r < rows; r++) {
      const float *row = dz + (size_t)r * layer.out + j0;
      for (int v = 0; v < vectors; v++) acc[v] = _mm256_add_ps(acc[v], _mm256_maskload_ps(row + 8 * v, mask[v]));
    }
    for (int v = 0; v < vectors; v++) _mm256_maskstore_ps(gb + j0 + 8 * v, mask[v], acc[v]);
  }
}

/* ---------------------------------------------------------------------------------------------- passes */

static int cpu_has_avx2_fma(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
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

JNIEXPORT jboolean JNICALL Java_dev_mirrorpo_learning_nn_MlpKernel_vectorized(JNIEnv *env, jclass cls) {
  (void)env;
  (void)cls;
  return cpu_has_avx2_fma() ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT void JNICALL Java_dev_mirrorpo_learning_nn_MlpKernel_forwardPass(JNIEnv *env, jclass cls, jintArray sizes,
                                                                       jfloatArray parameters_array,
                                                                       jfloatArray input_array, jint rows,
                                                                       jfloatArray hidden_array,
                                                                       jfloatArray output_array, jboolean vector) {
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
    if (vector) {
      dense_avx2(rows, layers[l].in, layers[l].out, x, layers[l].w, layers[l].b, is_hidden ? TANH : LINEAR, NULL, y);
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
    jfloatArray scratch_array, jboolean vector) {
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
    if (vector) {
      parameter_gradient_avx2(layer, rows, x, dz, gw, gb);
    } else {
      parameter_gradient_scalar(layer, rows, x, dz, gw, gb);
    }
    if (l > 0) {
      float *dz_in = dz_buffers[l % 2];
      if (vector) {
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
