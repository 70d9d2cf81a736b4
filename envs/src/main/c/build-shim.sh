#!/usr/bin/env bash
# Compiles the JNI shim over libmujoco (Debian's libmujoco-dev, MuJoCo 2.2.2) into the module's classes,
# so the jar carries it. Called by Maven in process-classes with: <jni header dir> <output dir>.
set -euo pipefail
header_dir=$1
out_dir=$2
src_dir=$(cd "$(dirname "$0")" && pwd)
if [ ! -f /usr/include/mujoco/mujoco.h ]; then
  echo "build-shim: /usr/include/mujoco/mujoco.h is missing; run 'make setup' (it installs libmujoco-dev)" >&2
  exit 1
fi
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
mkdir -p "$out_dir"
gcc -O2 -std=c11 -Wall -Wextra -Werror -fPIC -shared \
  -I"$java_home/include" -I"$java_home/include/linux" -I"$header_dir" \
  -o "$out_dir/libmirrorpo_mujoco.so" "$src_dir/mirrorpo_mujoco.c" -lmujoco
