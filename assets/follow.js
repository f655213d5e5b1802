// Everything the browser does when the state or the link changes, in one clientside callback (callbacks/state.py
// follow): the context panels' keys (assets/context.js), the live-status gates (assets/live.js) and the link
// pushed into the address bar (assets/share.js). One callback instead of four per interaction: Dash runs each
// callback through its whole lifecycle, ten store dispatches, each re-running every mounted component's selector
// (issue 19). Each part answers "no update" for itself when its own input did not change.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    evstate: {
        follow: function (state, link, liveOpen, context, liveGate, panelGate) {
            var cs = window.dash_clientside;
            cs.evshare.pushLink(link);
            return [cs.evcontext.pick(state, context), cs.evlive.mapGate(state, liveGate),
                    cs.evlive.panelGate(state, liveOpen, panelGate)];
        }
    }
});
