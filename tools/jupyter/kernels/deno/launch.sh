#!/bin/sh
# Starts the project's pinned Deno (2.9.6) as a Jupyter kernel: $1 is the connection file.
# Order: $KEXUE_DENO (set by tools/reproduce.ts to the Deno running it), a `deno` 2.9.6 on PATH,
# else the npm package through npx (downloads once into npm's cache).
set -e
if [ -n "${KEXUE_DENO:-}" ]; then exec "$KEXUE_DENO" jupyter --kernel --conn "$1"; fi
if command -v deno >/dev/null 2>&1 && deno --version 2>/dev/null | grep -q '^deno 2\.9\.6 '; then
  exec deno jupyter --kernel --conn "$1"
fi
exec npx --yes deno@2.9.6 jupyter --kernel --conn "$1"
