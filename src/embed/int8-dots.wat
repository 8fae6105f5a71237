;; cairn's int8 row scorer and a float projection (source of src/embed/int8-dots-wasm.ts; regenerate
;; with `node scripts/bun.mjs run scripts/build-int8-dots.ts`). Two exports:
;;   dots(rows, n, dims, query, out): for r < n, out[r] = Σ_k rows[r·dims + k] · query[k]
;;   project(w, rows, cols, x, out): for j < cols, out[j] += Σ_k x[k] · w[k·cols + j] (float32; w rows × cols,
;;     row-major; x rows values; cols a multiple of 4; the caller zeroes out first). Each row of w is read once,
;;     in order, and added into out four columns a step.
;; rows: n × dims int8 values; query: dims int16 values in ±32767; out: n int32 results; all byte offsets
;; into memory. dims must be a multiple of 16. Exact integer arithmetic: |int8 · query| < 2^22, so an i32
;; lane (a quarter of the row's products) cannot overflow for dims ≤ 2048 (the caller checks).
(module
  (memory (export "memory") 1)
  (func (export "dots") (param $rows i32) (param $n i32) (param $dims i32) (param $query i32) (param $out i32)
    (local $row i32) (local $end i32) (local $q i32) (local $v v128) (local $acc v128)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $rows_done
      (loop $each_row
        (br_if $rows_done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $q (local.get $query))
        (local.set $row (i32.add (local.get $rows) (local.get $dims)))
        ;; 16 values a step: widen to two i16x8 halves, multiply-add pairs against the query into i32 lanes.
        (loop $each_16
          (local.set $v (v128.load (local.get $rows)))
          (local.set $acc
            (i32x4.add (local.get $acc)
              (i32x4.add
                (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $v)) (v128.load (local.get $q)))
                (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $v)) (v128.load offset=16 (local.get $q))))))
          (local.set $q (i32.add (local.get $q) (i32.const 32)))
          (local.set $rows (i32.add (local.get $rows) (i32.const 16)))
          (br_if $each_16 (i32.lt_u (local.get $rows) (local.get $row))))
        (i32.store (local.get $out)
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $each_row))))
  (func (export "project") (param $w i32) (param $rows i32) (param $cols i32) (param $x i32) (param $out i32)
    (local $end i32) (local $xend i32) (local $o i32) (local $xk v128)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $cols) (i32.const 2))))
    (local.set $xend (i32.add (local.get $x) (i32.shl (local.get $rows) (i32.const 2))))
    (block $rows_done
      (loop $each_row
        (br_if $rows_done (i32.ge_u (local.get $x) (local.get $xend)))
        (local.set $xk (f32x4.splat (f32.load (local.get $x))))
        (local.set $o (local.get $out))
        (loop $each_4
          (v128.store (local.get $o) (f32x4.add (v128.load (local.get $o)) (f32x4.mul (local.get $xk) (v128.load (local.get $w)))))
          (local.set $o (i32.add (local.get $o) (i32.const 16)))
          (local.set $w (i32.add (local.get $w) (i32.const 16)))
          (br_if $each_4 (i32.lt_u (local.get $o) (local.get $end))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $each_row)))))
