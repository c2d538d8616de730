# bench/lib.sh - sourced by the bench scripts (after they define ROOT, BUILD_DIR, log and die).

# bench_memtracer: sets MT to $MEMTRACER, or to a release build of this tree in
# BUILD_DIR (configured if missing, then compiled); dies without a binary.
bench_memtracer() {
	if [ -n "${MEMTRACER:-}" ]; then
		MT=$MEMTRACER
	else
		MT=$BUILD_DIR/cli/memtracer
		if [ ! -d "$BUILD_DIR" ]; then
			log "configuring $BUILD_DIR (release)"
			meson setup "$BUILD_DIR" "$ROOT" -Dbuildtype=release >/dev/null
		fi
		log "building memtracer in $BUILD_DIR"
		meson compile -C "$BUILD_DIR" >/dev/null || die "build failed (meson compile -C $BUILD_DIR)"
	fi
	[ -x "$MT" ] || die "no memtracer binary at $MT"
}
