// Attention events measured in the candidate's browser. Only events leave the page, never pixels:
// tab hidden (Page Visibility API), window blurred, text pasted into an answer.
// Python side: pages/elements/attention_monitor.py. Event: attention {event, start_ms, duration_ms, confidence, ...}.

export default {
  template: `<span style="display:none"></span>`,
  mounted() {
    this.since = {};
    this.onVisibility = () => this.toggle("tab_hidden", document.visibilityState === "hidden");
    this.onBlur = () => this.toggle("window_blur", true);
    this.onFocus = () => this.toggle("window_blur", false);
    this.onPaste = (event) => {
      if (!(event.target instanceof HTMLTextAreaElement || event.target instanceof HTMLInputElement)) return;
      const text = event.clipboardData ? event.clipboardData.getData("text") : "";
      this.send({ event: "paste", start_ms: Date.now(), duration_ms: 0, confidence: 1, chars: text.length });
    };
    document.addEventListener("visibilitychange", this.onVisibility);
    window.addEventListener("blur", this.onBlur);
    window.addEventListener("focus", this.onFocus);
    document.addEventListener("paste", this.onPaste, true);
  },
  unmounted() {
    document.removeEventListener("visibilitychange", this.onVisibility);
    window.removeEventListener("blur", this.onBlur);
    window.removeEventListener("focus", this.onFocus);
    document.removeEventListener("paste", this.onPaste, true);
  },
  methods: {
    toggle(kind, active) {
      if (active && !this.since[kind]) this.since[kind] = Date.now();
      if (!active && this.since[kind]) {
        const start = this.since[kind];
        delete this.since[kind];
        this.send({ event: kind, start_ms: start, duration_ms: Date.now() - start, confidence: 1 });
      }
    },
    send(event) {
      this.$emit("attention", { type: "attention", ...event });
    },
  },
};
