#!/bin/bash
# On a GPU machine (see README): the cuda specs, then the cuda benchmarks
# (hh-pop against a hand-written kernel; CUBA and COBAHH at NETWORK_SIZES).
# Writes everything to ${OUT:-.}/gpu-results.txt as well as to the terminal.
out="${OUT:-.}/gpu-results.txt"
{
  nvidia-smi -L
  node node_modules/mocha/bin/mocha.js --timeout 300000 --reporter spec 'dist/specs/backends/cuda/**/*.spec.js' 'dist/specs/backends/native/*.spec.js' 'dist/specs/network/*.spec.js'
  node dist/bench/gpu.js "$@"
  node dist/bench/gpu-networks.js "${NETWORK_SIZES:-10000,100000,1000000}"
} 2>&1 | tee "$out"
