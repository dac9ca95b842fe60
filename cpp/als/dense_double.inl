// Double-precision dense kernels of the exact (Cholesky) solve, written as plain
// axpy-shaped loops that the compiler vectorises for whatever ISA flags the
// including file has. Included *inside* a per-ISA namespace by the kernels_*.cpp
// files, so it must include nothing and use no std:: templates.
//
// Why double: the online fold-in must match a float64 reference solve tightly;
// with small regularization A is ill-conditioned enough that float32
// accumulation would lose 2-3 digits.

static void rank_update_impl(double* __restrict A, const float* Y, const int32_t* rows,
                             const double* w, int64_t m, int n, double* __restrict scratch) {
    double* y0 = scratch;
    double* y1 = scratch + n;
    double* y2 = scratch + 2 * n;
    double* y3 = scratch + 3 * n;
    auto load = [&](int64_t k, double* dst) {
        const float* src = Y + (rows ? static_cast<int64_t>(rows[k]) : k) * n;
        for (int j = 0; j < n; ++j) dst[j] = static_cast<double>(src[j]);
    };
    auto weight = [&](int64_t k) { return w ? w[k] : 1.0; };

    int64_t k = 0;
    // Four rank-1 updates per sweep over A: A stays in cache and each A row is
    // loaded and stored once per four items.
    for (; k + 4 <= m; k += 4) {
        load(k, y0);
        load(k + 1, y1);
        load(k + 2, y2);
        load(k + 3, y3);
        const double w0 = weight(k), w1 = weight(k + 1), w2 = weight(k + 2), w3 = weight(k + 3);
        for (int j = 0; j < n; ++j) {
            const double s0 = w0 * y0[j], s1 = w1 * y1[j], s2 = w2 * y2[j], s3 = w3 * y3[j];
            double* __restrict a = A + static_cast<int64_t>(j) * n;
            for (int c = j; c < n; ++c) a[c] += s0 * y0[c] + s1 * y1[c] + s2 * y2[c] + s3 * y3[c];
        }
    }
    for (; k < m; ++k) {
        load(k, y0);
        const double w0 = weight(k);
        for (int j = 0; j < n; ++j) {
            const double s0 = w0 * y0[j];
            double* __restrict a = A + static_cast<int64_t>(j) * n;
            for (int c = j; c < n; ++c) a[c] += s0 * y0[c];
        }
    }
}

static bool cholesky_solve_impl(double* __restrict A, double* __restrict b, int n) {
    // Right-looking A = UᵀU on the upper triangle, four rows at a time: factor a
    // 4-row panel, then apply it to the trailing rows as one rank-4 update, so
    // each trailing element is loaded and stored once per four FMAs. Every inner
    // loop is an axpy over a contiguous row: it vectorises without reassociation.
    for (int k0 = 0; k0 < n; k0 += 4) {
        const int kb = n - k0 < 4 ? n - k0 : 4;
        for (int t = 0; t < kb; ++t) {
            const int k = k0 + t;
            double* __restrict ak = A + static_cast<int64_t>(k) * n;
            const double d = ak[k];
            if (!(d > 0.0)) return false;  // also catches NaN
            const double u = __builtin_sqrt(d);
            ak[k] = u;
            const double inv = 1.0 / u;
            for (int c = k + 1; c < n; ++c) ak[c] *= inv;
            for (int i = k + 1; i < k0 + kb; ++i) {  // the rest of the panel
                const double f = ak[i];
                double* __restrict ai = A + static_cast<int64_t>(i) * n;
                for (int c = i; c < n; ++c) ai[c] -= f * ak[c];
            }
        }
        const double* __restrict p0 = A + static_cast<int64_t>(k0) * n;
        if (kb == 4) {
            const double* __restrict p1 = p0 + n;
            const double* __restrict p2 = p1 + n;
            const double* __restrict p3 = p2 + n;
            for (int i = k0 + 4; i < n; ++i) {
                const double f0 = p0[i], f1 = p1[i], f2 = p2[i], f3 = p3[i];
                double* __restrict ai = A + static_cast<int64_t>(i) * n;
                for (int c = i; c < n; ++c) ai[c] -= f0 * p0[c] + f1 * p1[c] + f2 * p2[c] + f3 * p3[c];
            }
        }
        // kb < 4 only for the last panel, which has no trailing rows.
    }
    // Uᵀ z = b (column-oriented so the inner loop is an axpy).
    for (int k = 0; k < n; ++k) {
        const double* __restrict ak = A + static_cast<int64_t>(k) * n;
        const double z = b[k] / ak[k];
        b[k] = z;
        for (int c = k + 1; c < n; ++c) b[c] -= z * ak[c];
    }
    // U x = z.
    for (int k = n - 1; k >= 0; --k) {
        const double* __restrict ak = A + static_cast<int64_t>(k) * n;
        double s = b[k];
        for (int c = k + 1; c < n; ++c) s -= ak[c] * b[c];
        b[k] = s / ak[k];
    }
    return true;
}
