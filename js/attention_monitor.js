// Attention events measured in the candidate's browser. Only events leave the page, never pixels.
// Page: tab hidden (Page Visibility API), window blurred, text pasted into an answer.
// Camera (when the template uses it): Human (TF.js, wasm backend, served by our own app) finds faces,
// head pose and a cell phone; conditions that last long enough become events.
// Python side: pages/elements/attention_monitor.py. Event: attention {event, start_ms, duration_ms, confidence, ...}.

const RAD = 180 / Math.PI;
const SLICE_MS = 5000;

export default {
  template: `
    <div v-show="camera !== 'off' && showSelfView" style="position:relative;width:160px;height:120px">
      <video ref="video" muted playsinline style="width:160px;height:120px;border-radius:8px;background:#111;transform:scaleX(-1)"></video>
      <div v-if="box" :style="{position:'absolute',border:'2px solid #22c55e',borderRadius:'4px',
        left:box[0]+'px',top:box[1]+'px',width:box[2]+'px',height:box[3]+'px'}"></div>
      <div style="position:absolute;bottom:4px;left:6px;color:white;font-size:11px;text-shadow:0 0 3px black">{{ status }}</div>
    </div>`,
  props: {
    camera: { type: String, default: "off" }, // off | optional | required
    withMicrophone: { type: Boolean, default: false }, // ask for both in one browser prompt
    vendor: { type: String, default: "/vendor" },
    thresholds: { type: Object, default: () => ({}) },
    showSelfView: { type: Boolean, default: true },
  },
  data() {
    return { box: null, status: "" };
  },
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
    if (this.camera !== "off") this.startCamera();
    window.interviewerAttentionStats = () => this.stats(); // read by bench/attention_cost.py
  },
  watch: {
    camera(value) {
      if (value === "off") this.stopCamera();
      else if (!this.stream) this.startCamera();
    },
  },
  unmounted() {
    this.stopped = true;
    document.removeEventListener("visibilitychange", this.onVisibility);
    window.removeEventListener("blur", this.onBlur);
    window.removeEventListener("focus", this.onFocus);
    document.removeEventListener("paste", this.onPaste, true);
    if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
  },
  methods: {
    limits() {
      return {
        face_hz: 2, object_hz: 1, absent_ms: 3000, multiple_ms: 1000, away_ms: 2000, yaw_deg: 30, pitch_deg: 25,
        phone_k: 2, phone_n: 4, phone_score: 0.3, ...this.thresholds,
      };
    },
    stopCamera() {
      // the interview is over: the analysis loop ends and the browser's camera light goes out
      this.stopped = true;
      if (this.stream) this.stream.getTracks().forEach((t) => t.stop());
      this.stream = null;
      if (this.$refs.video) this.$refs.video.srcObject = null;
    },
    async startCamera() {
      this.stopped = false;
      const video = { width: 320, height: 240, frameRate: { ideal: 10 } }; // analysed ≤ 4 times a second anyway
      try {
        // one browser prompt for camera and microphone; the audio track is not used here
        this.stream = await navigator.mediaDevices.getUserMedia({ video, audio: this.withMicrophone });
      } catch (first) {
        try {
          if (!this.withMicrophone || first.name === "NotAllowedError") throw first;
          this.stream = await navigator.mediaDevices.getUserMedia({ video }); // a camera but no microphone
        } catch (error) {
          this.status = "camera off";
          return this.$emit("camera", { state: error.name === "NotAllowedError" ? "denied" : "unavailable" });
        }
      }
      if (this.camera === "off") return this.stopCamera(); // the interview ended while the browser asked
      this.stream.getAudioTracks().forEach((track) => track.stop());
      const element = this.$refs.video;
      element.srcObject = this.stream;
      await element.play();
      this.stream.getVideoTracks()[0].addEventListener("ended", () => {
        this.send({ event: "camera_lost", start_ms: Date.now(), duration_ms: 0, confidence: 1 });
      });
      this.status = "loading…";
      const { Human } = await import(`${this.vendor}/human/human.esm.js`);
      this.human = new Human({
        backend: "wasm",
        wasmPath: `${this.vendor}/tfjs-wasm/`,
        modelBasePath: `${this.vendor}/human/models/`,
        debug: false,
        warmup: "none",
        // Detect, then track: between face-detector runs (at most every 1.5 s or 4th frame) the face mesh
        // follows the last face box, as long as it still finds a face there; halves the cost of a frame.
        // The huge cache sensitivity lets Human reuse boxes whatever the frame change; objects are not reused.
        cacheSensitivity: 1e6,
        filter: { enabled: false }, // image adjustments cost ≈15 ms a frame and are not needed here
        face: {
          enabled: true,
          detector: { rotation: false, maxDetected: 3, minConfidence: 0.5, return: false, skipFrames: 3, skipTime: 1500 },
          mesh: { enabled: true },
          iris: { enabled: false },
          emotion: { enabled: false },
          description: { enabled: false },
          antispoof: { enabled: false },
          liveness: { enabled: false },
        },
        body: { enabled: false },
        hand: { enabled: false },
        gesture: { enabled: false },
        segmentation: { enabled: false },
        object: { enabled: true, modelPath: "centernet-256.json", minConfidence: 0.2, maxDetected: 10, skipTime: 0 },
      });
      await this.human.load();
      this.status = "";
      this.phoneFrames = [];
      this.lastObjects = 0;
      this.$emit("camera", { state: "ready" });
      this.loop();
    },
    async loop() {
      if (this.stopped) return;
      const limits = this.limits();
      if (document.visibilityState === "visible") {
        const started = performance.now();
        const withObjects = started - this.lastObjects >= 1000 / limits.object_hz;
        const result = await this.human.detect(this.$refs.video, { object: { enabled: withObjects } });
        this.analysed = (this.analysed || 0) + 1;
        this.analysisMs = (this.analysisMs || 0) + (performance.now() - started);
        this.onFaces(result.face || [], limits);
        if (withObjects) {
          this.lastObjects = started;
          this.objectFrames = (this.objectFrames || 0) + 1;
          this.onObjects(result.object || [], limits);
        }
      }
      setTimeout(() => this.loop(), 1000 / limits.face_hz);
    },
    onFaces(faces, limits) {
      const face = faces[0];
      this.box = face ? this.toSelfView(face.box) : null;
      this.hold("face_absent", faces.length === 0, limits.absent_ms, { faces: 0 });
      this.hold("multiple_faces", faces.length > 1, limits.multiple_ms, { faces: faces.length });
      const angle = face && face.rotation ? face.rotation.angle : null;
      const yaw = angle ? Math.abs(angle.yaw * RAD) : 0;
      const pitch = angle ? Math.abs(angle.pitch * RAD) : 0;
      const away = !!angle && (yaw > limits.yaw_deg || pitch > limits.pitch_deg);
      this.hold("looking_away", away, limits.away_ms, { yaw_deg: Math.round(yaw), pitch_deg: Math.round(pitch) });
    },
    toSelfView([x, y, w, h]) {
      // the self-view is 160×120, letterboxed and mirrored; the box is in video pixels
      const video = this.$refs.video;
      const scale = Math.min(160 / video.videoWidth, 120 / video.videoHeight);
      const left = (160 - video.videoWidth * scale) / 2 + x * scale;
      const top = (120 - video.videoHeight * scale) / 2 + y * scale;
      return [160 - left - w * scale, top, w * scale, h * scale];
    },
    onObjects(objects, limits) {
      const phone = objects.filter((o) => o.label === "cell phone" && o.score >= limits.phone_score);
      this.phoneFrames.push(phone.length ? Math.max(...phone.map((o) => o.score)) : 0);
      this.phoneFrames = this.phoneFrames.slice(-limits.phone_n);
      const seen = this.phoneFrames.filter((s) => s > 0);
      const now = Date.now();
      if (seen.length >= limits.phone_k && now - (this.lastPhone || 0) > 10000) {
        this.lastPhone = now;
        const confidence = Math.round(Math.max(...seen) * 100) / 100;
        this.send({ event: "phone_detected", start_ms: now, duration_ms: 0, confidence, frames: seen.length });
      }
    },
    hold(kind, active, minMs, values) {
      // A condition that lasted at least minMs is reported when it ends; a long one is reported in slices
      // of at most SLICE_MS while it goes on, so the admin sees it live and the durations still add up.
      const now = Date.now();
      const open = this.since[kind];
      if (active) {
        if (!open) {
          this.since[kind] = { start: now, values };
        } else if (now - open.start >= Math.max(minMs, SLICE_MS)) {
          this.send({ event: kind, start_ms: open.start, duration_ms: now - open.start, confidence: 1, ...values });
          this.since[kind] = { start: now, values, continued: true };
        }
        return;
      }
      if (open) {
        delete this.since[kind];
        if (now - open.start >= minMs || open.continued) {
          this.send({ event: kind, start_ms: open.start, duration_ms: now - open.start, confidence: 1, ...open.values });
        }
      }
    },
    toggle(kind, active) {
      this.hold(kind, active, 0, {});
    },
    send(event) {
      this.$emit("attention", { type: "attention", ...event });
    },
    stats() {
      // for bench/attention_cost.py
      return { analysed: this.analysed || 0, objects: this.objectFrames || 0, ms: this.analysisMs || 0 };
    },
  },
};
