/* Injected before the page's own scripts (CDP Page.addScriptToEvaluateOnNewDocument) by bench/browser.py.
   "Settled" as issue 19 defines it: no request in flight, Dash's callback queue empty, no data-dash-is-loading,
   every Plotly draw resolved, and no DOM mutation for 100 ms. */
(function () {
    "use strict";
    var B = window.__bench = {inflight: 0, draws: 0, last: 0, t0: null, latch: null, calls: []};
    function touch() { B.last = performance.now(); }

    var realFetch = window.fetch;
    window.fetch = function (url, opts) {
        var isCb = String(url).indexOf("_dash-update-component") >= 0;
        var rec = isCb ? {start: performance.now(), end: null, status: null, output: null} : null;
        if (rec) {
            try { rec.output = JSON.parse(opts.body).output; } catch (e) { rec.output = "?"; }
            B.calls.push(rec);
        }
        B.inflight += 1; touch();
        return realFetch.apply(this, arguments).then(function (resp) {
            if (rec) { rec.status = resp.status; }
            return resp;
        }).finally(function () {
            B.inflight -= 1; touch();
            if (rec) { rec.end = performance.now(); }
        });
    };

    function wrapPlotly(P) {
        if (!P || P.__benchWrapped) { return P; }
        ["react", "newPlot", "relayout", "restyle", "update", "redraw"].forEach(function (name) {
            var real = P[name];
            if (typeof real !== "function") { return; }
            P[name] = function () {
                B.draws += 1; touch();
                var out;
                try { out = real.apply(this, arguments); } catch (e) { B.draws -= 1; throw e; }
                Promise.resolve(out).catch(function () {}).then(function () { B.draws -= 1; touch(); });
                return out;
            };
        });
        P.__benchWrapped = true;
        return P;
    }
    var plotly;
    Object.defineProperty(window, "Plotly", {configurable: true, enumerable: true,
        get: function () { return plotly; }, set: function (v) { plotly = wrapPlotly(v); }});

    new MutationObserver(touch).observe(document, {childList: true, subtree: true, attributes: true,
                                                   characterData: true});

    // The input's own timestamp: the last event of the latched type while armed.
    ["pointerdown", "click", "mouseup", "keydown", "change"].forEach(function (type) {
        window.addEventListener(type, function (ev) {
            if (B.latch === type) { B.t0 = ev.timeStamp; }
        }, true);
    });

    function queueEmpty() {
        var stores = window.dash_stores || [];
        for (var i = 0; i < stores.length; i++) {
            var cb = stores[i].getState().callbacks;
            var keys = ["requested", "prioritized", "blocked", "executing", "watched", "executed", "stored"];
            for (var k = 0; k < keys.length; k++) { if ((cb[keys[k]] || []).length) { return false; } }
        }
        return stores.length > 0;
    }
    B.completed = function () {
        var stores = window.dash_stores || [];
        return stores.length ? stores[0].getState().callbacks.completed : 0;
    };
    B.busy = function () {
        return B.inflight > 0 || B.draws > 0 || !queueEmpty() || !!document.querySelector("[data-dash-is-loading]");
    };
    B.arm = function (latch) {
        B.latch = latch; B.t0 = latch ? null : performance.now(); B.calls = []; B.done0 = B.completed();
    };
    B.quietFor = function () { return B.busy() ? 0 : performance.now() - B.last; };
}());
