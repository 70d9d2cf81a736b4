#!/usr/bin/env bash
# Compiles the network kernel (mirrorpo_mlp.c) into the module's classes, so the jar carries it. Called by Maven
# in process-classes with: <jni header dir> <output dir>. -ffp-contract=off: the compiler fuses no multiply and
# add on its own, so the kernel's arithmetic is the one its source spells out (docs/training.md).
set -euo pipefail
header_dir=$1
out_dir=$2
src_dir=$(cd "$(dirname "$0")" && pwd)
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
mkdir -p "$out_dir"
gcc -O3 -std=c11 -ffp-contract=off -fno-fast-math -Wall -Wextra -Werror -fPIC -shared \
  -I"$java_home/include" -I"$java_home/include/linux" -I"$header_dir" \
  -o "$out_dir/libmirrorpo_mlp.so" "$src_dir/mirrorpo_mlp.c" -lm
