// The interviewer: a 2D canvas face whose mouth follows the viseme timeline of the question audio, with
// blinking, idle motion, a "thinking" state, captions highlighted word by word, and a replay button.
// Python side: pages/elements/avatar.py. Events: ended (the question was heard), blocked (autoplay refused).
// The canvas sits in a stage element that a video source could replace later.
// With prefers-reduced-motion the face stays still (no lip sync, blinking, idle motion or pulsing dots); the
// captions still follow the voice word by word.

const MOUTHS = {
  rest: { w: 34, h: 3, round: 0 },
  closed: { w: 30, h: 1, round: 0 },
  open: { w: 30, h: 22, round: 0.4 },
  wide: { w: 44, h: 10, round: 0.2 },
  round: { w: 18, h: 18, round: 1 },
  teeth: { w: 36, h: 8, round: 0.1 },
};

export default {
  template: `
    <div class="avatar" style="display:flex;flex-direction:column;align-items:center;gap:8px;width:100%">
      <div class="avatar-stage" style="position:relative">
        <canvas ref="canvas" width="220" height="220" style="border-radius:50%;background:#e0f2fe"></canvas>
        <button v-if="blocked" @click="play" class="q-btn" data-testid="press-to-start"
          style="position:absolute;inset:0;margin:auto;height:44px;width:170px;border-radius:22px;border:0;
                 background:#1d4ed8;color:white;font-size:15px;cursor:pointer">▶ Press to start</button>
      </div>
      <div class="avatar-captions" style="font-size:1.25rem;line-height:1.6;text-align:center" aria-live="polite">
        <span v-for="(w, i) in words" :key="i" :class="{ 'caption-current': i === current }"
          :style="i === current ? 'background:#fde68a;border-radius:4px' : ''">{{ w + " " }}</span>
      </div>
      <button v-if="src || browserVoice" @click="play" style="border:0;background:none;color:#1d4ed8;cursor:pointer"
        data-testid="replay">↻ Replay question</button>
    </div>`,
  props: {
    src: String, // audio URL; empty: the browser's SpeechSynthesis speaks `text`
    text: String,
    timings: Array, // [{word, start_ms, end_ms}]
    visemes: Array, // [{start_ms, end_ms, viseme}]
    thinking: Boolean,
  },
  data() {
    return { blocked: false, current: -1, speaking: false, viseme: "rest", browserVoice: false };
  },
  computed: {
    words() {
      return this.timings && this.timings.length ? this.timings.map((t) => t.word) : (this.text || "").split(/\s+/);
    },
  },
  mounted() {
    this.still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    this.blinkAt = performance.now() + 2500;
    this.frame = requestAnimationFrame(this.draw);
    this.play();
  },
  unmounted() {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.idle);
    if (this.audio) this.audio.pause();
    if (window.speechSynthesis) window.speechSynthesis.cancel();
  },
  watch: {
    src() {
      this.play();
    },
  },
  methods: {
    play() {
      this.blocked = false;
      if (!this.src) return this.speakInBrowser();
      if (!this.audio) {
        this.audio = new Audio();
        this.audio.addEventListener("ended", () => this.finished());
      }
      this.audio.src = (this.src.startsWith("/") ? window.path_prefix || "" : "") + this.src;
      this.audio.currentTime = 0;
      this.speaking = true;
      this.audio.play().catch((error) => {
        this.speaking = false;
        if (error.name === "NotAllowedError") {
          this.blocked = true;
          this.$emit("blocked");
        } else {
          this.finished();
        }
      });
    },
    speakInBrowser() {
      const synth = window.speechSynthesis;
      if (!synth || !synth.getVoices().length) return this.finished(); // nothing can speak: captions only
      this.browserVoice = true;
      const utterance = new SpeechSynthesisUtterance(this.text);
      const starts = [];
      let position = 0;
      for (const word of this.words) {
        starts.push(this.text.indexOf(word, position));
        position = starts[starts.length - 1] + word.length;
      }
      utterance.onboundary = (event) => {
        this.current = starts.findIndex((start, i) => event.charIndex >= start && (i + 1 === starts.length || event.charIndex < starts[i + 1]));
        this.viseme = "open";
        setTimeout(() => (this.viseme = "rest"), 120);
      };
      utterance.onend = () => this.finished();
      this.speaking = true;
      synth.cancel();
      synth.speak(utterance);
    },
    finished() {
      this.speaking = false;
      this.current = -1;
      this.viseme = "rest";
      if (!this.heard) {
        this.heard = true; // the first hearing starts the answer clock; a replay does not
        this.$emit("ended");
      }
    },
    tick(now) {
      if (this.speaking && this.audio && this.src) {
        const t = this.audio.currentTime * 1000;
        const cue = (this.visemes || []).find((c) => t >= c.start_ms && t < c.end_ms);
        this.viseme = cue ? cue.viseme : "rest";
        this.current = (this.timings || []).findIndex((w) => t >= w.start_ms && t < w.end_ms);
      }
      if (now > this.blinkAt + 140) this.blinkAt = now + 2500 + Math.random() * 2500;
    },
    draw(now) {
      this.tick(now);
      const ctx = this.$refs.canvas && this.$refs.canvas.getContext("2d");
      if (ctx) this.paint(ctx, now);
      if (this.speaking) {
        this.frame = requestAnimationFrame(this.draw); // lip sync needs every frame
      } else {
        this.idle = setTimeout(() => (this.frame = requestAnimationFrame(this.draw)), 80); // idle: ~12 fps
      }
    },
    paint(ctx, now) {
      const bob = this.speaking || this.still ? 0 : Math.sin(now / 900) * 2; // idle motion while listening
      ctx.clearRect(0, 0, 220, 220);
      ctx.save();
      ctx.translate(110, 112 + bob);
      ctx.fillStyle = "#334155"; // hair
      ctx.beginPath();
      ctx.ellipse(0, -22, 66, 70, 0, Math.PI, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = "#f5d0b5"; // face
      ctx.beginPath();
      ctx.ellipse(0, 0, 60, 72, 0, 0, 2 * Math.PI);
      ctx.fill();
      const blinking = !this.still && now >= this.blinkAt && now < this.blinkAt + 140;
      ctx.fillStyle = "#1e293b"; // eyes
      for (const x of [-22, 22]) {
        ctx.beginPath();
        ctx.ellipse(x, -14, 7, blinking ? 1 : 7, 0, 0, 2 * Math.PI);
        ctx.fill();
      }
      const viseme = this.still ? "rest" : this.viseme;
      const m = MOUTHS[viseme] || MOUTHS.rest;
      ctx.fillStyle = "#7f1d1d"; // mouth
      ctx.beginPath();
      ctx.ellipse(0, 34, m.w / 2, Math.max(1, m.h / 2), 0, 0, 2 * Math.PI);
      ctx.fill();
      if (viseme === "teeth" || viseme === "wide") {
        ctx.fillStyle = "#ffffff";
        ctx.fillRect(-m.w / 3, 34 - m.h / 2, (2 * m.w) / 3, Math.max(2, m.h / 3));
      }
      if (this.thinking) {
        ctx.fillStyle = "#475569";
        for (let i = 0; i < 3; i++) {
          ctx.globalAlpha = this.still ? 1 : 0.3 + 0.7 * ((Math.floor(now / 300) % 3) === i ? 1 : 0);
          ctx.beginPath();
          ctx.arc(42 + i * 12, -70, 4, 0, 2 * Math.PI);
          ctx.fill();
        }
        ctx.globalAlpha = 1;
      }
      ctx.restore();
    },
  },
};
