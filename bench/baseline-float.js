/*
 * The baseline the benchmarks compare against: the float GRU/LSTM a user would write by hand
 * to run a Keras model on a watch, without watchword. Float32Array weights (row-major
 * [outputs, inputs], one block per tensor), sigmoid and tanh from Math.exp (Espruino has no
 * Math.tanh), plain indexed loops, scratch arrays allocated once. It is deliberately
 * ordinary code, not tuned: the point is what watchword gains over it.
 *
 * ES5 only, so the same file runs on Node, QuickJS, Duktape, Espruino and JerryScript. It
 * defines one global, `WWBaseline`, with `load(spec, buffer)` where `spec` describes the layers
 * (bench/models.ts `baselineSpec`) and `buffer` is an ArrayBuffer of float32 weights; the net
 * has `state()`, `reset(st)` and `step(st, frame)` with the streaming semantics of
 * compiler/reference/float.ts (each frame goes through every layer; the layers after a
 * recurrent layer see its current state).
 */
var WWBaseline = (function () {
  function sigmoid(x) {
    return 1 / (1 + Math.exp(-x));
  }
  function hardSigmoid(x) {
    var y = x / 5 + 1 / 2; // = 0.2x + 0.5 without float literals (Espruino parses those 1-2 ulp off)
    return y < 0 ? 0 : y > 1 ? 1 : y;
  }
  function tanh(x) {
    if (x > 20) return 1;
    if (x < -20) return -1;
    var e = Math.exp(2 * x);
    return (e - 1) / (e + 1);
  }

  function load(spec, buffer) {
    var all = new Float32Array(buffer);
    function view(t) {
      return t ? all.subarray(t[0], t[0] + t[1]) : null;
    }
    var layers = [];
    for (var i = 0; i < spec.layers.length; i++) {
      var s = spec.layers[i];
      var rows = s.kind === 'gru' ? 3 * s.units : s.kind === 'lstm' ? 4 * s.units : s.units;
      layers.push({
        kind: s.kind, units: s.units, inSize: s.inSize, act: s.act, hard: s.hard, resetAfter: s.resetAfter,
        W: view(s.W), R: view(s.R), bW: view(s.bW), bR: view(s.bR), table: view(s.table),
        a: new Float32Array(rows), b: new Float32Array(rows), t: new Float32Array(s.units),
        out: new Float32Array(s.units),
      });
    }
    var scale = spec.scale;
    var x0 = new Float32Array(spec.features);

    function matvec(M, cols, v, bias, r0, n, out) {
      for (var r = 0; r < n; r++) {
        var acc = bias ? bias[r0 + r] : 0;
        var base = (r0 + r) * cols;
        for (var j = 0; j < cols; j++) acc += M[base + j] * v[j];
        out[r] = acc;
      }
    }

    function gru(L, h, x) {
      var u = L.units, a = L.a, b = L.b, k, z, r;
      var g = L.hard ? hardSigmoid : sigmoid;
      matvec(L.W, L.inSize, x, L.bW, 0, 3 * u, a);
      if (L.resetAfter) {
        matvec(L.R, u, h, L.bR, 0, 3 * u, b);
        for (k = 0; k < u; k++) {
          z = g(a[k] + b[k]);
          r = g(a[u + k] + b[u + k]);
          h[k] = z * h[k] + (1 - z) * tanh(a[2 * u + k] + r * b[2 * u + k]);
        }
      } else {
        matvec(L.R, u, h, L.bR, 0, 2 * u, b);
        for (k = 0; k < u; k++) {
          a[k] = g(a[k] + b[k]);
          L.t[k] = g(a[u + k] + b[u + k]) * h[k];
        }
        matvec(L.R, u, L.t, L.bR, 2 * u, u, b);
        for (k = 0; k < u; k++) {
          z = a[k];
          h[k] = z * h[k] + (1 - z) * tanh(a[2 * u + k] + b[k]);
        }
      }
      return h;
    }

    function lstm(L, h, c, x) {
      var u = L.units, a = L.a, b = L.b;
      var g = L.hard ? hardSigmoid : sigmoid;
      matvec(L.W, L.inSize, x, L.bW, 0, 4 * u, a);
      matvec(L.R, u, h, L.bR, 0, 4 * u, b);
      for (var k = 0; k < u; k++) {
        var ig = g(a[k] + b[k]);
        var fg = g(a[u + k] + b[u + k]);
        var cc = tanh(a[2 * u + k] + b[2 * u + k]);
        var og = g(a[3 * u + k] + b[3 * u + k]);
        c[k] = fg * c[k] + ig * cc;
        h[k] = og * tanh(c[k]);
      }
      return h;
    }

    function simpleRnn(L, h, x) {
      var u = L.units, a = L.a, b = L.b;
      matvec(L.W, L.inSize, x, L.bW, 0, u, a);
      matvec(L.R, u, h, L.bR, 0, u, b);
      for (var k = 0; k < u; k++) {
        var v = a[k] + b[k];
        h[k] = L.act === 'relu' ? (v > 0 ? v : 0) : tanh(v);
      }
      return h;
    }

    function dense(L, x) {
      var o = L.out, n = L.units, k;
      matvec(L.W, L.inSize, x, L.bW, 0, n, o);
      if (L.act === 'relu') {
        for (k = 0; k < n; k++) if (o[k] < 0) o[k] = 0;
      } else if (L.act === 'sigmoid') {
        for (k = 0; k < n; k++) o[k] = sigmoid(o[k]);
      } else if (L.act === 'softmax') {
        var m = o[0], sum = 0;
        for (k = 1; k < n; k++) if (o[k] > m) m = o[k];
        for (k = 0; k < n; k++) {
          o[k] = Math.exp(o[k] - m);
          sum += o[k];
        }
        for (k = 0; k < n; k++) o[k] = o[k] / sum;
      }
      return o;
    }

    function state() {
      var st = { h: [], c: [] };
      for (var j = 0; j < layers.length; j++) {
        var K = layers[j].kind;
        var rec = K === 'gru' || K === 'lstm' || K === 'simple_rnn';
        st.h.push(rec ? new Float32Array(layers[j].units) : null);
        st.c.push(K === 'lstm' ? new Float32Array(layers[j].units) : null);
      }
      return st;
    }

    function reset(st) {
      for (var j = 0; j < layers.length; j++) {
        for (var k = 0; st.h[j] && k < st.h[j].length; k++) st.h[j][k] = 0;
        for (k = 0; st.c[j] && k < st.c[j].length; k++) st.c[j][k] = 0;
      }
    }

    function step(st, frame) {
      var x = x0;
      for (var i = 0; i < layers.length; i++) {
        var L = layers[i];
        if (i === 0) {
          if (L.kind === 'embedding') {
            x = L.table.subarray(frame[0] * L.units, (frame[0] + 1) * L.units);
            continue;
          }
          for (var f = 0; f < x0.length; f++) x0[f] = frame[f] * scale;
        }
        if (L.kind === 'gru') x = gru(L, st.h[i], x);
        else if (L.kind === 'lstm') x = lstm(L, st.h[i], st.c[i], x);
        else if (L.kind === 'simple_rnn') x = simpleRnn(L, st.h[i], x);
        else x = dense(L, x);
      }
      return x;
    }

    return { state: state, reset: reset, step: step, layers: layers };
  }

  return { load: load };
})();
