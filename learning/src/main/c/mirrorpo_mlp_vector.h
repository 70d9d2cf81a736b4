/*
 * The network kernel's vector code, written once for any vector width: mirrorpo_mlp.c includes it once per
 * instruction set after defining what a vector is there (VEC, MASK, LANES), its operations (V_...), the target
 * attribute (TARGET) and the suffix of the function names (NAMED). Every lane computes one output element's chain
 * of operations in the order the file header of mirrorpo_mlp.c gives, whatever LANES is, so every width gives
 * the scalar code's bits.
 */

/* A vector of a row: whole (full, a compile-time constant where it is inlined) or its first lanes by mask. */
TARGET INLINE VEC NAMED(load_lanes)(const int full, const float *p, MASK mask) {
  return full ? V_LOADU(p) : V_MASKLOAD(p, mask);
}

TARGET INLINE void NAMED(store_lanes)(const int full, float *p, MASK mask, VEC v) {
  if (full) {
    V_STOREU(p, v);
  } else {
    V_MASKSTORE(p, mask, v);
  }
}

/* The masks of the V vectors of a tile that starts at column j0 of rows of the given width. */
TARGET INLINE void NAMED(tile_masks)(const int V, int width, int j0, MASK *mask) {
  for (int v = 0; v < V; v++) {
    int lanes = width - j0 - LANES * v;
    mask[v] = V_LANE_MASK(lanes > LANES ? LANES : lanes);
  }
}

TARGET INLINE VEC NAMED(tanh_vector)(VEC x) {
  VEC clamped = V_MIN(V_SET1(TANH_CLAMP), x);
  clamped = V_MAX(V_SET1(-TANH_CLAMP), clamped);
  VEC x2 = V_MUL(clamped, clamped);
  VEC p = V_SET1(TANH_P[0]);
  for (int i = 1; i < 7; i++) p = V_FMADD(p, x2, V_SET1(TANH_P[i]));
  p = V_MUL(p, clamped);
  VEC q = V_SET1(TANH_Q[0]);
  for (int i = 1; i < 4; i++) q = V_FMADD(q, x2, V_SET1(TANH_Q[i]));
  return V_SELECT_BELOW(V_ABS(x), V_SET1(TANH_LINEAR_BELOW), x, V_DIV(p, q));
}

/*
 * y[r0..r0+R)[j0..j0+LANES·V): acc = init, then for k: acc = fma(a[r][k], m[k][j], acc); then the epilogue. a is
 * [rows][depth], m is [depth][width] (W for the forward pass, Wᵀ for the input gradient). FULL: every vector of
 * the tile is whole (otherwise the last ones load and store through their lane masks).
 */
TARGET INLINE void NAMED(dense_tile)(const int R, const int V, const int FULL, int depth, int width, const float *a,
                                     const float *m, const float *init, enum epilogue epilogue, const float *h,
                                     float *y, int r0, int j0) {
  VEC acc[6][2];
  MASK mask[2];
  NAMED(tile_masks)(V, width, j0, mask);
  for (int v = 0; v < V; v++) {
    VEC start = init ? NAMED(load_lanes)(FULL, init + j0 + LANES * v, mask[v]) : V_ZERO();
    for (int i = 0; i < R; i++) acc[i][v] = start;
  }
  for (int k = 0; k < depth; k++) {
    VEC mv[2];
    for (int v = 0; v < V; v++) mv[v] = NAMED(load_lanes)(FULL, m + (size_t)k * width + j0 + LANES * v, mask[v]);
    for (int i = 0; i < R; i++) {
      VEC ai = V_BROADCAST(a + (size_t)(r0 + i) * depth + k);
      for (int v = 0; v < V; v++) acc[i][v] = V_FMADD(ai, mv[v], acc[i][v]);
    }
  }
  for (int i = 0; i < R; i++) {
    for (int v = 0; v < V; v++) {
      size_t at = (size_t)(r0 + i) * width + j0 + LANES * v;
      VEC out = acc[i][v];
      if (epilogue == TANH) {
        out = NAMED(tanh_vector)(out);
      } else if (epilogue == TANH_DERIVATIVE) {
        VEC hv = NAMED(load_lanes)(FULL, h + at, mask[v]);
        out = V_MUL(out, V_FNMADD(hv, hv, V_SET1(1.0f)));
      }
      NAMED(store_lanes)(FULL, y + at, mask[v], out);
    }
  }
}

/* Rows r0..r0+R) of y, every column: R rows of a stay in L1 while the tiles sweep the columns (m stays there too). */
TARGET INLINE void NAMED(dense_rows)(const int R, int depth, int width, const float *a, const float *m,
                                     const float *init, enum epilogue epilogue, const float *h, float *y, int r0) {
  for (int j0 = 0; j0 < width; j0 += 2 * LANES) {
    int left = width - j0;
    if (left >= 2 * LANES) {
      NAMED(dense_tile)(R, 2, 1, depth, width, a, m, init, epilogue, h, y, r0, j0);
    } else if (left > LANES) {
      NAMED(dense_tile)(R, 2, 0, depth, width, a, m, init, epilogue, h, y, r0, j0);
    } else if (left == LANES) {
      NAMED(dense_tile)(R, 1, 1, depth, width, a, m, init, epilogue, h, y, r0, j0);
    } else {
      NAMED(dense_tile)(R, 1, 0, depth, width, a, m, init, epilogue, h, y, r0, j0);
    }
  }
}

/* y = epilogue(init + a·m) over all rows and columns, in tiles of 6 rows × 2 vectors. */
TARGET static void NAMED(dense)(int rows, int depth, int width, const float *a, const float *m, const float *init,
                                enum epilogue epilogue, const float *h, float *y) {
  int r0 = 0;
  for (; r0 + 6 <= rows; r0 += 6) NAMED(dense_rows)(6, depth, width, a, m, init, epilogue, h, y, r0);
  for (; r0 < rows; r0++) NAMED(dense_rows)(1, depth, width, a, m, init, epilogue, h, y, r0);
}

/*
 * Rows r0..r1) of G[k0..k0+K)[j0..j0+LANES·V) = Σ_r x[r][k]·dz[r][j], in order in each lane, continuing the sums
 * that G holds (first: starting them at 0). A float32 sum stored in G and loaded back is the same float32, so the
 * blocks of rows change no bit.
 */
TARGET INLINE void NAMED(weight_gradient_tile)(const int K, const int V, const int FULL, int first, int r0, int r1,
                                               int in, int out, const float *x, const float *dz, float *gw, int k0,
                                               int j0) {
  VEC acc[6][2];
  MASK mask[2];
  NAMED(tile_masks)(V, out, j0, mask);
  for (int i = 0; i < K; i++) {
    for (int v = 0; v < V; v++) {
      acc[i][v] = first ? V_ZERO() : NAMED(load_lanes)(FULL, gw + (size_t)(k0 + i) * out + j0 + LANES * v, mask[v]);
    }
  }
  for (int r = r0; r < r1; r++) {
    VEC dv[2];
    for (int v = 0; v < V; v++) dv[v] = NAMED(load_lanes)(FULL, dz + (size_t)r * out + j0 + LANES * v, mask[v]);
    for (int i = 0; i < K; i++) {
      VEC xi = V_BROADCAST(x + (size_t)r * in + k0 + i);
      for (int v = 0; v < V; v++) acc[i][v] = V_FMADD(xi, dv[v], acc[i][v]);
    }
  }
  for (int i = 0; i < K; i++) {
    for (int v = 0; v < V; v++) {
      NAMED(store_lanes)(FULL, gw + (size_t)(k0 + i) * out + j0 + LANES * v, mask[v], acc[i][v]);
    }
  }
}

/* Every k of G for the columns j0..j0+LANES·V), rows r0..r1). */
TARGET INLINE void NAMED(weight_gradient_columns)(const int V, const int FULL, int first, int r0, int r1, int in,
                                                  int out, const float *x, const float *dz, float *gw, int j0) {
  int k0 = 0;
  for (; k0 + 6 <= in; k0 += 6) NAMED(weight_gradient_tile)(6, V, FULL, first, r0, r1, in, out, x, dz, gw, k0, j0);
  for (; k0 < in; k0++) NAMED(weight_gradient_tile)(1, V, FULL, first, r0, r1, in, out, x, dz, gw, k0, j0);
}

TARGET static void NAMED(parameter_gradient)(layer_t layer, int rows, const float *x, const float *dz, float *gw,
                                             float *gb) {
  for (int r0 = 0; r0 < rows; r0 += GRADIENT_ROW_BLOCK) {
    int r1 = r0 + GRADIENT_ROW_BLOCK < rows ? r0 + GRADIENT_ROW_BLOCK : rows;
    int first = r0 == 0;
    for (int j0 = 0; j0 < layer.out; j0 += 2 * LANES) {
      int left = layer.out - j0;
      if (left >= 2 * LANES) {
        NAMED(weight_gradient_columns)(2, 1, first, r0, r1, layer.in, layer.out, x, dz, gw, j0);
      } else if (left > LANES) {
        NAMED(weight_gradient_columns)(2, 0, first, r0, r1, layer.in, layer.out, x, dz, gw, j0);
      } else if (left == LANES) {
        NAMED(weight_gradient_columns)(1, 1, first, r0, r1, layer.in, layer.out, x, dz, gw, j0);
      } else {
        NAMED(weight_gradient_columns)(1, 0, first, r0, r1, layer.in, layer.out, x, dz, gw, j0);
      }
    }
  }
  /* The bias gradient: eight vectors of columns' sums at a time, each over the rows in order, side by side. */
  for (int j0 = 0; j0 < layer.out; j0 += 8 * LANES) {
    VEC acc[8];
    MASK mask[8];
    int vectors = 0;
    for (int j = j0; j < layer.out && j < j0 + 8 * LANES; j += LANES, vectors++) {
      int lanes = layer.out - j;
      mask[vectors] = V_LANE_MASK(lanes > LANES ? LANES : lanes);
      acc[vectors] = V_ZERO();
    }
    for (int r = 0; r < rows; r++) {
      const float *row = dz + (size_t)r * layer.out + j0;
      for (int v = 0; v < vectors; v++) acc[v] = V_ADD(acc[v], V_MASKLOAD(row + LANES * v, mask[v]));
    }
    for (int v = 0; v < vectors; v++) V_MASKSTORE(gb + j0 + LANES * v, mask[v], acc[v]);
  }
}
