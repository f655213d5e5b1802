/* Sharing and presenting: the link follows the view into the browser's history; keys for presenters.
   Lives in assets/ because the CSP allows no inline script. */
(function () {
    "use strict";

    var MAP_KEYS = ["lat", "lon", "zoom"];

    function norm(q, skip) {
        // Same keys and values in any order: a link that only differs in order is not a new view.
        var p = new URLSearchParams(q || "");
        return Array.from(p.entries()).filter(function (kv) { return (skip || []).indexOf(kv[0]) < 0; })
            .map(function (kv) { return kv.join("="); }).sort().join("&");
    }

    function sameQuery(a, b) { return norm(a) === norm(b); }

    var openedAtLoad = false;
    var opened = 0;
    // Back and forward open the entry's link: a new count each time, so going back to a link seen before
    // (the same query string) is still a change Dash acts on.
    window.addEventListener("popstate", function () {
        opened += 1;
        window.dash_clientside.set_props("share-link-opened", {data: {q: window.location.search, n: opened}});
    });
    // A table alternative is built only while its <details> is open: report "open" (Dash's html.Details does not).
    document.addEventListener("toggle", function (event) {
        var el = event.target;
        if (el && el.tagName === "DETAILS" && el.id && el.classList.contains("lazy-table")) {
            window.dash_clientside.set_props(el.id, {open: el.open});
        }
    }, true);

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        evshare: {
            pushLink: function (query) {
                var nu = window.dash_clientside.no_update;
                if (query === null || query === undefined) { return nu; }
                if (!sameQuery(query, window.location.search)) {
                    // Panning and zooming the map updates the link in place: back steps through selections.
                    var onlyMap = window.location.search && norm(query, MAP_KEYS) === norm(window.location.search, MAP_KEYS);
                    window.history[onlyMap ? "replaceState" : "pushState"]({}, "", window.location.pathname + "?" + query);
                    // No "_dashprivate_pushstate" for the dcc.Location: our own push is not a link opened, so it
                    // fires nothing; back and forward come in through the popstate listener below.
                }
                return nu;
            },
            openLink: function () {
                // The link the page was opened with, once (the dcc.Location reports its path at mount).
                if (openedAtLoad) { return window.dash_clientside.no_update; }
                openedAtLoad = true;
                return window.location.search ? {q: window.location.search, n: 0} : window.dash_clientside.no_update;
            },
            applyView: function (view) {
                var v = view || {};
                var root = document.documentElement;
                root.setAttribute("data-bs-theme", v.theme === "dark" ? "dark" : "light");
                root.classList.toggle("present", !!v.present);
                // Plotly charts measure their container: let them refit to the wider presentation layout.
                window.setTimeout(function () {
                    window.dispatchEvent(new Event("resize"));
                    document.querySelectorAll(".js-plotly-plot").forEach(fitChartText);
                }, 50);
                return window.dash_clientside.no_update;
            }
        }
    });

    // Dash's checklists and radio items render role="listbox" without a name: take it from the field's label.
    function nameListboxes() {
        document.documentElement.lang = document.documentElement.lang || "en-GB";
        document.querySelectorAll("[role=listbox]:not([aria-label])").forEach(function (box) {
            var field = box.closest(".filter-field, .panel-title");
            var label = field && field.querySelector("label.filter-label, h2");
            if (label) { box.setAttribute("aria-label", label.textContent + (box.id === "series-granularity" ? ": granularity" : "")); }
        });
    }
    // Presentation mode scales chart text through Plotly itself (so legends and margins re-flow), and again
    // after every redraw: a new figure from the server arrives with the normal sizes. The factor applied is
    // kept in the figure's own layout.meta, which a new figure from the server does not carry; so
    // the relayout below (which fires plotly_afterplot again) finds it done and stops.
    var PRESENT_SCALE = 1.4;
    var TEXT_KEYS = ["font.size", "title.font.size", "title.subtitle.font.size", "legend.font.size", "margin.t"];
    function layoutValue(layout, path) {
        return path.split(".").reduce(function (o, k) { return o && o[k]; }, layout);
    }
    function fitChartText(gd) {
        if (!gd.layout || !window.Plotly) { return; }
        var want = document.documentElement.classList.contains("present") ? PRESENT_SCALE : 1;
        var meta = gd.layout.meta;
        var have = (meta && typeof meta === "object" && meta.presentScale) || 1;
        if (want === have) { return; }
        // Presenting: pure black chart text (high contrast on a projector); the figures' own #1b1b1b otherwise.
        var update = {meta: {presentScale: want}, "font.color": want > 1 ? "#000000" : "#1b1b1b"};
        TEXT_KEYS.forEach(function (key) {
            var value = layoutValue(gd.layout, key);
            if (typeof value === "number") { update[key] = Math.round(value * want / have); }
        });
        window.Plotly.relayout(gd, update);
    }
    function hookCharts() {
        document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
            if (gd.dataset.textHook || typeof gd.on !== "function") { return; }
            gd.dataset.textHook = "1";
            gd.on("plotly_afterplot", function () { fitChartText(gd); });
            fitChartText(gd);
        });
    }

    var pending = false;
    new MutationObserver(function () {
        if (pending) { return; }
        pending = true;
        window.requestAnimationFrame(function () { pending = false; nameListboxes(); hookCharts(); });
    }).observe(document.documentElement, {childList: true, subtree: true});

    function click(id) {
        var el = document.getElementById(id);
        if (el) { el.click(); }
    }

    document.addEventListener("keydown", function (event) {
        if (!document.documentElement.classList.contains("present")) { return; }
        var tag = (event.target && event.target.tagName) || "";
        if (/^(INPUT|TEXTAREA|SELECT)$/.test(tag) || (event.target && event.target.isContentEditable)) { return; }
        if (event.key === "Escape") { click("present-exit"); }
        else if (event.key === "ArrowRight" || event.key === "PageDown") { click("deck-next"); event.preventDefault(); }
        else if (event.key === "ArrowLeft" || event.key === "PageUp") { click("deck-prev"); event.preventDefault(); }
    });
}());
