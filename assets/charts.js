/* Chart text and size for the room, and the comparison's sort order: applied in the browser with
   Plotly.relayout, so presentation mode and sorting never change the panels' cache keys or cost a request.
   A figure from the server arrives without layout.meta.evFit: its own values are kept, then the present
   sizes applied; the relayout fires plotly_afterplot again, finds the same signature and stops. */
(function () {
    "use strict";

    var KEYS = ["font.size", "title.font.size", "title.subtitle.text", "title.subtitle.font.size",
        "legend.font.size", "hoverlabel.font.size", "margin.t", "margin.b", "xaxis.tickfont.size",
        "yaxis.tickfont.size", "xaxis.title.font.size", "yaxis.title.font.size", "yaxis.autorange", "xaxis.title.text",
        "legend.orientation", "legend.x", "legend.xanchor", "legend.y", "legend.yanchor", "legend.bgcolor", "font.color",
        "uniformtext.minsize", "uniformtext.mode", "title.text", "title.y", "xaxis.autorange"];

    function get(layout, path) {
        return path.split(".").reduce(function (o, k) { return o === undefined || o === null ? undefined : o[k]; }, layout);
    }
    function presenting() { return document.documentElement.classList.contains("present"); }

    // Text size in presentation mode: 22 px at 1920 px wide, 16 px at 1366 (never below 16).
    function textPx() { return Math.max(16, Math.min(24, Math.round(window.innerWidth / 87))); }

    function sortLow(gd) {
        var box = gd.closest(".compare-panel");
        var low = box && box.querySelector("#compare-sort input[value=low]");
        return !!(low && low.checked);
    }

    // The height a chart gets on the slide: what its panel has left below the first chart shown in it,
    // shared 58:42 when the panel shows two (the time series over the hour of week).
    function slideHeight(gd) {
        var panel = gd.closest(".panel");
        if (!panel) { return 0; }
        var shown = Array.prototype.filter.call(panel.querySelectorAll(".graph-wrap"), function (w) {
            return w.offsetParent !== null && !w.hidden;
        });
        var mine = gd.closest(".graph-wrap");
        if (!shown.length || shown.indexOf(mine) < 0) { return 0; }
        var pad = parseFloat(getComputedStyle(panel).paddingBottom) || 0;
        var room = panel.getBoundingClientRect().bottom - pad - shown[0].getBoundingClientRect().top - 2;
        if (shown.length === 1) { return Math.floor(room); }
        return Math.floor((room - 8) * (shown.indexOf(mine) === 0 ? 0.58 : 0.42));
    }

    // The comparison's legend as a box in the corner of the shortest bars (bottom right highest-first, top right
    // lowest-first): a legend row over the bars covers the title once it wraps (large text, or a phone's width).
    function cornerLegend(gd) {
        var low = sortLow(gd), dark = document.documentElement.getAttribute("data-bs-theme") === "dark";
        return {"legend.orientation": "v", "legend.x": 1, "legend.xanchor": "right",
            "legend.y": low ? 0.99 : 0.01, "legend.yanchor": low ? "top" : "bottom",
            "legend.bgcolor": dark ? "rgba(35,38,43,0.92)" : "rgba(255,255,255,0.92)"};
    }
    function narrow() { return window.innerWidth < 600; }

    // A title wider than its chart (Plotly never wraps one: the end was cut at the right edge): its text made
    // smaller down to the slide's text size, then in lines that fit. Returns [text, lines, font size].
    var measure = null;
    function fitTitle(gd, text, size, least) {
        if (!text) { return [text, 1, size]; }
        var plain = String(text).replace(/<br\s*\/?>/gi, " "), room = gd.getBoundingClientRect().width * 0.97 - 16;
        var family = (gd._fullLayout && gd._fullLayout.font && gd._fullLayout.font.family) || "sans-serif";
        measure = measure || document.createElement("canvas").getContext("2d");
        measure.font = size + "px " + family;
        var wide = measure.measureText(plain).width;
        if (wide <= room) { return [plain, 1, size]; }
        if (wide * least / size <= room) { return [plain, 1, Math.floor(size * room / wide)]; }
        measure.font = least + "px " + family;
        var lines = [], line = "";
        plain.split(" ").forEach(function (word) {
            var next = line ? line + " " + word : word;
            if (line && measure.measureText(next).width > room) { lines.push(line); line = word; } else { line = next; }
        });
        lines.push(line);
        return [lines.join("<br>"), lines.length, least];
    }

    // The comparison drawn as columns (assets/columns.js): the server always sends it as horizontal bars.
    function columns(gd) {
        return !!(gd.closest(".compare-panel") && gd.data && gd.data.length && gd.data[0].orientation === "v");
    }

    function presentUpdate(gd, orig, px) {
        var head = fitTitle(gd, orig["title.text"], Math.round(px * 1.25), px), title = head[2];
        var isCompare = !!gd.closest(".compare-panel");
        var isSeries = !!gd.closest("#series-wrap");
        var dark = document.documentElement.getAttribute("data-bs-theme") === "dark";
        // Pure black text on the light slide (a projector washes out #1b1b1b); the dark theme's own colours there.
        var u = {"font.color": dark ? orig["font.color"] : "#000000", "font.size": px, "title.font.size": title, "title.subtitle.text": "", "legend.font.size": px,
            "hoverlabel.font.size": px, "xaxis.tickfont.size": px, "yaxis.tickfont.size": px,
            // Bar labels too (Plotly shrinks a label to fit its bar: where next's figures were about 10 px).
            "uniformtext.minsize": px, "uniformtext.mode": "show",
            "xaxis.title.font.size": px, "yaxis.title.font.size": px,
            // The comparison's axis title repeats its chart title: its line goes to the 33 borough names.
            "xaxis.title.text": isCompare ? "" : orig["xaxis.title.text"],
            // Title on top; dates in two lines and the legend below (the comparison's legend sits over its short bars).
            "margin.t": Math.round(title * 1.3 * head[1]) + 6,
            "margin.b": isSeries ? Math.round(px * 3.8) : (orig["margin.b"] || 10)};
        if (orig["title.text"]) {
            u["title.text"] = head[0];
            // Plotly grows a title's extra lines upwards from its anchor: the anchor moves down by as many.
            var lift = (head[1] - 1) * title * 1.3 / Math.max(gd.getBoundingClientRect().height, 1);
            if (typeof orig["title.y"] === "number" && lift) { u["title.y"] = orig["title.y"] - lift; }
        }
        (gd.layout.annotations || []).forEach(function (_a, i) { u["annotations[" + i + "].font.size"] = px; });
        // Where next's legend row covered its title in a half-width slide: the corner of its short bars too.
        if (isCompare || gd.closest(".where-next-panel")) { Object.assign(u, cornerLegend(gd)); }
        if (columns(gd)) {  // assets/columns.js: the tall columns at the left, the legend over the short ones
            Object.assign(u, {"legend.y": 0.99, "legend.yanchor": "top", "legend.x": sortLow(gd) ? 0 : 1,
                "legend.xanchor": sortLow(gd) ? "left" : "right"});
        }
        return u;
    }

    // The camera button's file name says what the chart holds (panel, metric, period): the server puts it in
    // layout.meta.png with the figure, so naming a PNG costs no request of its own.
    function nameImage(gd, meta) {
        var ctx = gd._context;
        if (!ctx || !meta || typeof meta !== "object" || !meta.png) { return; }
        ctx.toImageButtonOptions = Object.assign({}, ctx.toImageButtonOptions || {}, {filename: meta.png});
    }

    function fit(gd) {
        if (!gd.layout || !window.Plotly || !gd.closest(".graph-wrap")) { return; }
        var meta = gd.layout.meta;
        var fresh = !(meta && typeof meta === "object" && meta.evFit);
        nameImage(gd, meta);
        var isCompare = !!gd.closest(".compare-panel");
        if (fresh && isCompare && !columns(gd) && window.evcolumns) {  // the server's figure, to go back to
            gd._evFig = window.evcolumns.keep(gd);
        }
        if (fresh) {
            gd._evOrig = {};
            KEYS.forEach(function (k) { gd._evOrig[k] = get(gd.layout, k); });
            gd._evOrig.annotationY = (gd.layout.annotations || []).map(function (a) {
                return [a.y, a.yanchor, a.font && a.font.size];
            });
        }
        var orig = gd._evOrig || {};
        var present = presenting(), low = gd.closest(".compare-panel") ? sortLow(gd) : false;
        var px = present ? textPx() : 0;
        var h = present ? slideHeight(gd) : 0;
        var phone = !present && narrow() && !!gd.closest(".compare-panel");
        var sig = [present, px, h, low, phone, present ? Math.round(gd.getBoundingClientRect().width) : 0].join("|");
        // dcc.Graph is responsive: its box's height (a CSS variable read in presentation mode) sizes the plot.
        var wrap = gd.closest(".graph-wrap");
        if (present && h > 80 && wrap.style.getPropertyValue("--slide-h") !== h + "px") {
            wrap.style.setProperty("--slide-h", h + "px");
            window.Plotly.Plots.resize(gd);
        }
        // A slide too short for the comparison's 33 rows of names: drawn as columns (assets/columns.js), and back.
        if (isCompare && gd._evFig && window.evcolumns) {
            var want = present && h > 80 && window.evcolumns.tooThin(gd._evFig.layout, h, px);
            if (want !== columns(gd)) {
                window.evcolumns.apply(gd, want ? window.evcolumns.figure(gd._evFig, gd.getBoundingClientRect().width, px)
                                               : gd._evFig);
                return;
            }
        }
        if ((fresh && !present && !low && !phone) || (!fresh && meta.evFit === sig)) { return; }
        var u = {};
        KEYS.forEach(function (k) { u[k] = orig[k] === undefined ? null : orig[k]; });
        if (!columns(gd)) { delete u["xaxis.autorange"]; }  // only the columns' category axis is turned round
        (orig.annotationY || []).forEach(function (ya, i) {
            u["annotations[" + i + "].y"] = ya[0]; u["annotations[" + i + "].yanchor"] = ya[1];
            u["annotations[" + i + "].font.size"] = ya[2] === undefined ? null : ya[2];
        });
        if (present) { Object.assign(u, presentUpdate(gd, orig, px)); }
        if (phone) {
            // A phone's narrow bars leave no corner free: the legend goes under the axis, whose title (the chart's
            // title again, cut at this width) makes way for it.
            Object.assign(u, {"legend.orientation": "h", "legend.x": 0, "legend.xanchor": "left", "legend.y": -0.04,
                "legend.yanchor": "top", "xaxis.title.text": ""});
        }
        if (low && columns(gd)) {
            u["xaxis.autorange"] = "reversed";
        } else if (low) {
            // Lowest first: the category axis read the other way; the London label moves to the short bars.
            u["yaxis.autorange"] = "reversed";
            if ((orig.annotationY || []).length) { u["annotations[0].y"] = 0.99; u["annotations[0].yanchor"] = "top"; }
        }
        u.meta = Object.assign({}, meta && typeof meta === "object" ? meta : {}, {evFit: sig});
        window.Plotly.relayout(gd, u);
    }

    function fitAll() { document.querySelectorAll(".js-plotly-plot").forEach(fit); }

    function hook() {
        document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
            if (gd.dataset.fitHook || typeof gd.on !== "function") { return; }
            gd.dataset.fitHook = "1";
            gd.on("plotly_afterplot", function () { fit(gd); });
            fit(gd);
        });
    }

    var pending = false;
    new MutationObserver(function () {
        if (pending) { return; }
        pending = true;
        window.requestAnimationFrame(function () { pending = false; hook(); });
    }).observe(document.documentElement, {childList: true, subtree: true});

    var resizeTimer = null;
    window.addEventListener("resize", function () {
        window.clearTimeout(resizeTimer);
        resizeTimer = window.setTimeout(fitAll, 120);
    });
    document.addEventListener("change", function (event) {
        if (event.target && event.target.closest && event.target.closest("#compare-sort")) { fitAll(); }
    });
    window.evcharts = {fitAll: fitAll};

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        evseries: {
            /* The x range a drag across the time series chose (a selection, the chart's drag mode, or a zoom from
               the modebar), and nothing else: Plotly also reports its own autosize (at load, when a chart is shown
               or resized), a legend click and a reset, none of which changes the selection, so none of them may
               cost a request (issue 19). */
            picked: function (selected, relayout) {
                var trig = (window.dash_clientside.callback_context.triggered || [])[0] || {};
                var band = selected && selected.range && selected.range.x;
                if (String(trig.prop_id).indexOf("selectedData") >= 0) {
                    if (!Array.isArray(band) || band.length !== 2) { return window.dash_clientside.no_update; }
                    return {"xaxis.range[0]": band[0], "xaxis.range[1]": band[1]};
                }
                var r = relayout || {}, lo = r["xaxis.range[0]"], hi = r["xaxis.range[1]"];
                if (lo === undefined && Array.isArray(r["xaxis.range"])) { lo = r["xaxis.range"][0]; hi = r["xaxis.range"][1]; }
                if (lo === undefined || hi === undefined) { return window.dash_clientside.no_update; }
                return {"xaxis.range[0]": lo, "xaxis.range[1]": hi};
            }
        }
    });
}());
