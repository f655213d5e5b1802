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


    // Charts and the map measure their containers: let them refit to a changed layout (assets/charts.js).
    function refit() {
        window.setTimeout(function () {
            window.dispatchEvent(new Event("resize"));
            if (window.evcharts) { window.evcharts.fitAll(); }
        }, 50);
    }

    // "Link copied": dcc.Clipboard writes through navigator.clipboard; when that succeeds, the status beside the
    // button that was pressed says so (aria-live) for four seconds. The whole button (icon and words) copies.
    var lastCopy = null;
    document.addEventListener("click", function (event) {
        var box = event.target && event.target.closest && event.target.closest(".share-copy");
        if (box) { lastCopy = {box: box, at: Date.now()}; }
    }, true);
    function copied() {
        if (!lastCopy || Date.now() - lastCopy.at > 15000) { return; }
        var status = lastCopy.box.querySelector(".copy-status");
        var words = lastCopy.box.querySelector("#deck-copy") ? "Deck link copied" : "Link copied";
        lastCopy = null;
        if (!status) { return; }
        window.clearTimeout(status._evTimer);
        status.textContent = words;
        status._evTimer = window.setTimeout(function () { status.textContent = ""; }, 4000);
    }
    function watchClipboard() {
        var clip = navigator.clipboard;
        if (!clip || clip._evWatched) { return; }
        ["writeText", "write"].forEach(function (name) {
            var original = clip[name] && clip[name].bind(clip);
            if (!original) { return; }
            clip[name] = function () {
                return original.apply(null, arguments).then(function (r) { copied(); return r; });
            };
        });
        clip._evWatched = true;
    }
    watchClipboard();

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
                refit();
                return window.dash_clientside.no_update;
            },
            applySlide: function (deck, pos, choice) {
                // The slide's panel(s), else the chosen ones for the current view; series and heatmap share a section.
                var slide = (deck || [])[pos];
                var panels = slide && slide.panels && slide.panels.length ? slide.panels : (choice || "map+comparison").split("+");
                var sections = {};
                panels.forEach(function (p) { sections[p === "heatmap" ? "series" : p] = true; });
                var root = document.documentElement;
                root.setAttribute("data-slide", panels.join(" "));
                root.setAttribute("data-slide-n", String(Object.keys(sections).length));
                refit();
                return window.dash_clientside.no_update;
            }
        }
    });

    // Dash's checklists and radio items render role="listbox" without a name: take it from the field's label.
    function nameListboxes() {
        if (!document.documentElement.lang) { document.documentElement.lang = "en-GB"; }  // set once: a write is a mutation
        document.querySelectorAll("[role=listbox]:not([aria-label])").forEach(function (box) {
            var field = box.closest(".filter-field, .panel-title");
            var label = field && field.querySelector("label.filter-label, h2");
            if (label) { box.setAttribute("aria-label", label.textContent + (box.id === "series-granularity" ? ": granularity" : "")); }
        });
    }
    var pending = false;
    new MutationObserver(function () {
        if (pending) { return; }
        pending = true;
        window.requestAnimationFrame(function () { pending = false; nameListboxes(); });
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
