// Issue 17's panels (tracker, where next, peers) read only the boroughs and their own three keys: the
// CONTEXT store carries just those, and changes only when one of them does, so a band, date or metric
// change sends those panels no request (issue 19: at most six requests per interaction).
//
// They sit at the foot of the page, so they are also drawn only when they can be seen: while none of them is
// on screen (or within a screen's height of it), a change is held and sent the moment one scrolls into view.
// A borough click at the top of the page then redraws the charts the officer is looking at, not three more
// below the fold (issue 19). Until the browser has reported where they are, every change is sent.
(function () {
    "use strict";
    var SELECTOR = ".targets-panel, .where-next-panel, .peers-panel";
    var CONTEXT = "app-context";  // layouts/ids.py CONTEXT
    var seen = null;  // the panels on screen, once the observer has reported; null = not known yet
    var held = null;  // the context a hidden panel has not been sent yet
    var observer = null;

    function visible() { return seen === null || seen.size > 0; }

    function flush() {
        if (held && visible()) {
            var next = held;
            held = null;
            window.dash_clientside.set_props(CONTEXT, {data: next});
        }
    }

    function watch() {
        if (observer || typeof IntersectionObserver === "undefined") { return; }
        var panels = document.querySelectorAll(SELECTOR);
        if (!panels.length) { return; }
        observer = new IntersectionObserver(function (entries) {
            seen = seen || new Set();
            entries.forEach(function (e) { if (e.isIntersecting) { seen.add(e.target); } else { seen.delete(e.target); } });
            flush();
        }, {rootMargin: "100% 0px"});
        panels.forEach(function (p) { observer.observe(p); });
    }

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        evcontext: {
            pick: function (state, current) {
                var nu = window.dash_clientside.no_update;
                if (!state) { return nu; }
                watch();
                var next = {boroughs: state.boroughs, track: state.track, basis: state.basis, events: state.events};
                if (current && JSON.stringify(current) === JSON.stringify(next)) {
                    held = null;  // back where the panels are: nothing to send when they come into view
                    return nu;
                }
                if (!visible()) {
                    held = next;
                    return nu;
                }
                held = null;
                return next;
            }
        }
    });
}());
