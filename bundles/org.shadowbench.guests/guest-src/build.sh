#!/usr/bin/env bash
# Rebuilds the guest suite's multiboot ELF files into ../guests/. Needs gcc and binutils with
# 32-bit x86 support (Debian: gcc, binutils; no multilib: the guests use no C library).
# The built files are committed, so the Java build never needs a C compiler.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out=../guests
mkdir -p "$out" build
# No x87 or SSE in the CPU model: keep gcc on integer registers.
cflags="-m32 -march=i686 -O2 -ffreestanding -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables
        -mno-80387 -mno-mmx -mno-sse -mno-sse2 -mgeneral-regs-only -Wall -Wextra -Werror -std=gnu11"
gcc $cflags -c lib/runtime.c -o build/runtime.o
gcc -m32 -c lib/boot.S -o build/boot.o
for source in *.c; do
  name=${source%.c}
  gcc $cflags -c "$source" -o "build/$name.o"
  ld -m elf_i386 -T lib/link.ld -nostdlib --no-warn-rwx-segments -o "$out/$name.elf" build/boot.o build/runtime.o "build/$name.o"
  echo "built $out/$name.elf"
done
rm -rf build
