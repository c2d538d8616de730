
/*
 * memtracer flame graph viewer (render/flamegraph.js).
 *
 * Runs after a generated prefix that defines numbers and constants only:
 * nametype, fontsize, fontwidth, xpad, inverted, searchcolor.
 * Frame names are read from each frame's <title> and only ever written back
 * through textContent: nothing from a profile is parsed as markup or code.
 *
 * Hover a frame: its title in the "details" line. Click: zoom into it.
 * "Reset Zoom" or Escape: back. Ctrl-F / F3 / "Search": highlight the
 * frames matching a regular expression; "ic" / Ctrl-I toggles ignore-case.
 * The URL keeps the state as ?s=REGEX&i=1&x=X&y=Y (all optional).
 */
var init = (function () {
	"use strict";

	var cfg = {
		nametype: typeof nametype === "string" ? nametype : "Function:",
		fontsize: typeof fontsize === "number" ? fontsize : 12,
		fontwidth: typeof fontwidth === "number" ? fontwidth : 0.59,
		xpad: typeof xpad === "number" ? xpad : 10,
		inverted: typeof inverted === "boolean" ? inverted : false,
		searchcolor: typeof searchcolor === "string" ? searchcolor : "rgb(230,0,230)"
	};
	var EPS = 0.015;            /* coordinates are written with 2 decimals */

	var frames = [];            /* { g, rect, text, title, name, x, w, y, fill, label } */
	var plotw = 0;
	var el = {};
	var zoomed = null;
	var term = null;
	var ignorecase = false;

	function num(node, name) {
		var v = parseFloat(node.getAttribute(name));
		return isFinite(v) ? v : 0;
	}

	function child(g, tag) {
		var list = g.getElementsByTagName(tag);
		return list.length ? list[0] : null;
	}

	/* flamegraph.pl's rule, in characters: fit, or cut and end with "..". */
	function label(name, w) {
		var chars = Math.floor(w / (cfg.fontsize * cfg.fontwidth));
		var cps;
		if (!(chars >= 3))
			return "";
		cps = Array.from(name);
		if (cps.length <= chars)
			return name;
		return cps.slice(0, chars - 2).join("") + "..";
	}

	function fmt(v) {
		return (Math.round(v * 100) / 100).toString();
	}

	function place(f, x, w) {
		f.rect.setAttribute("x", fmt(x));
		f.rect.setAttribute("width", fmt(w));
		if (f.text) {
			f.text.setAttribute("x", fmt(x + 3));
			f.text.textContent = label(f.name, w);
		}
	}

	function restore(f) {
		f.rect.setAttribute("x", fmt(f.x));
		f.rect.setAttribute("width", fmt(f.w));
		if (f.text) {
			f.text.setAttribute("x", fmt(f.x + 3));
			f.text.textContent = f.label;
		}
	}

	function frameOf(node) {
		while (node && node.parentNode !== el.frames)
			node = node.parentNode;
		if (!node || node.__mtframe === undefined)
			return null;
		return frames[node.__mtframe];
	}

	/* is @e at the depth of @f or deeper (further from the root)? */
	function deeper(e, f) {
		return cfg.inverted ? e.y >= f.y - EPS : e.y <= f.y + EPS;
	}

	/* ---- zoom ---- */

	function zoom(f) {
		var scale = plotw / f.w;
		var i, e, inside, covers;
		zoomed = f;
		for (i = 0; i < frames.length; i++) {
			e = frames[i];
			inside = e.x >= f.x - EPS && e.x + e.w <= f.x + f.w + EPS;
			covers = e.x <= f.x + EPS && e.x + e.w >= f.x + f.w - EPS;
			e.g.classList.remove("hide", "parent");
			if (deeper(e, f) && inside) {
				place(e, cfg.xpad + (e.x - f.x) * scale, e.w * scale);
			} else if (!deeper(e, f) && covers) {
				e.g.classList.add("parent");
				place(e, cfg.xpad, plotw);
			} else {
				e.g.classList.add("hide");
			}
		}
		el.unzoom.classList.remove("hide");
		sync();
	}

	function unzoom() {
		var i;
		zoomed = null;
		for (i = 0; i < frames.length; i++) {
			frames[i].g.classList.remove("hide", "parent");
			restore(frames[i]);
		}
		el.unzoom.classList.add("hide");
		sync();
	}

	/* ---- search ---- */

	function clearSearch() {
		var i;
		term = null;
		for (i = 0; i < frames.length; i++)
			frames[i].rect.setAttribute("fill", frames[i].fill);
		el.matched.textContent = " ";
		el.search.classList.remove("show");
		el.search.textContent = "Search";
		sync();
	}

	function search(t) {
		var re, i, f, spans = [], covered = 0, end = -Infinity, s;
		try {
			re = new RegExp(t, ignorecase ? "i" : "");
		} catch (ex) {
			clearSearch();
			el.matched.textContent = "Bad regular expression";
			return;
		}
		term = t;
		for (i = 0; i < frames.length; i++) {
			f = frames[i];
			if (re.test(f.name)) {
				f.rect.setAttribute("fill", cfg.searchcolor);
				spans.push(f);
			} else {
				f.rect.setAttribute("fill", f.fill);
			}
		}
		/* union of the matched x ranges: a match nested in another counts once */
		spans.sort(function (a, b) { return a.x - b.x || b.w - a.w; });
		for (i = 0; i < spans.length; i++) {
			s = spans[i];
			if (s.x + s.w <= end)
				continue;
			covered += s.x + s.w - Math.max(s.x, end);
			end = s.x + s.w;
		}
		el.search.classList.add("show");
		el.search.textContent = "Reset Search";
		el.matched.textContent = spans.length ?
			"Matched: " + (plotw > 0 ? Math.min(100, 100 * covered / plotw) : 0).toFixed(2) + "%" :
			"No match";
		sync();
	}

	function askSearch() {
		var t = window.prompt("Search frames for (a regular expression, e.g. ^runtime\\.)",
			term === null ? "" : term);
		if (t === null)
			return;
		if (t === "")
			clearSearch();
		else
			search(t);
	}

	function toggleCase() {
		ignorecase = !ignorecase;
		el.ignorecase.classList.toggle("show", ignorecase);
		if (term !== null)
			search(term);
		else
			sync();
	}

	/* ---- URL state ---- */

	function sync() {
		var p, q;
		try {
			p = new URLSearchParams();
			if (term !== null)
				p.set("s", term);
			if (ignorecase)
				p.set("i", "1");
			if (zoomed) {
				p.set("x", fmt(zoomed.x));
				p.set("y", fmt(zoomed.y));
			}
			q = p.toString();
			window.history.replaceState(null, "", q ? "?" + q : window.location.pathname);
		} catch (ex) {
			/* file:// or a sandbox may refuse: the state just isn't kept */
		}
	}

	function fromUrl() {
		var p, x, y, i;
		try {
			p = new URLSearchParams(window.location.search);
		} catch (ex) {
			return;
		}
		if (p.get("i") === "1") {
			ignorecase = true;
			el.ignorecase.classList.add("show");
		}
		if (p.has("x") && p.has("y")) {
			x = parseFloat(p.get("x"));
			y = parseFloat(p.get("y"));
			for (i = 0; i < frames.length; i++) {
				if (Math.abs(frames[i].x - x) < EPS && Math.abs(frames[i].y - y) < EPS) {
					zoom(frames[i]);
					break;
				}
			}
		}
		if (p.get("s"))
			search(p.get("s"));
	}

	/* ---- events ---- */

	function onOver(evt) {
		var f = frameOf(evt.target);
		if (f)
			el.details.textContent = cfg.nametype + " " + f.title;
	}

	function onOut(evt) {
		if (frameOf(evt.target))
			el.details.textContent = " ";
	}

	function onClick(evt) {
		var f = frameOf(evt.target);
		if (f)
			zoom(f);
	}

	function onKey(evt) {
		var k = evt.key;
		if (k === "F3" || ((evt.ctrlKey || evt.metaKey) && (k === "f" || k === "F"))) {
			evt.preventDefault();
			askSearch();
		} else if ((evt.ctrlKey || evt.metaKey) && (k === "i" || k === "I")) {
			evt.preventDefault();
			toggleCase();
		} else if (k === "Escape") {
			if (term !== null)
				clearSearch();
			else if (zoomed)
				unzoom();
		}
	}

	return function (evt) {
		var doc = document, svg = doc.documentElement, kids, i, g, rect, t, title, cut;

		el.frames = doc.getElementById("frames");
		el.details = doc.getElementById("details");
		el.unzoom = doc.getElementById("unzoom");
		el.search = doc.getElementById("search");
		el.ignorecase = doc.getElementById("ignorecase");
		el.matched = doc.getElementById("matched");
		if (!el.frames || !el.details || !el.unzoom || !el.search || !el.ignorecase ||
			!el.matched)
			return;
		plotw = num(svg, "width") - 2 * cfg.xpad;

		kids = el.frames.children;
		for (i = 0; i < kids.length; i++) {
			g = kids[i];
			rect = child(g, "rect");
			t = child(g, "title");
			if (!rect || !t)
				continue;
			title = t.textContent;
			cut = title.lastIndexOf(" (");
			g.__mtframe = frames.length;
			frames.push({
				g: g, rect: rect, text: child(g, "text"), title: title,
				name: cut >= 0 ? title.slice(0, cut) : title,
				x: num(rect, "x"), w: num(rect, "width"), y: num(rect, "y"),
				fill: rect.getAttribute("fill"),
				label: child(g, "text") ? child(g, "text").textContent : ""
			});
		}

		el.frames.addEventListener("mouseover", onOver);
		el.frames.addEventListener("mouseout", onOut);
		el.frames.addEventListener("click", onClick);
		el.unzoom.addEventListener("click", unzoom);
		el.search.addEventListener("click", function () {
			if (term !== null)
				clearSearch();
			else
				askSearch();
		});
		el.ignorecase.addEventListener("click", toggleCase);
		window.addEventListener("keydown", onKey);
		fromUrl();
	};
})();
