// Microphone → 16 kHz mono PCM16 chunks → POST /stt/stream, with retries until each chunk is acknowledged.
// Python side: pages/elements/audio_capture.py. Events: state, level, partial, final.
// Retries are bounded: a chunk not acknowledged within give_up_ms (network down, busy, limited), or a server
// that has no speech model (503 with X-Speech-State), ends the recording with state "gave-up" or
// "speech-unavailable" and the text heard so far, so the page offers typing with it.
// With `practice_url` (the practice question) nothing is streamed: the clip stays in memory and is sent once, at its
// end, to be transcribed and forgotten by the server (POST /stt/practice); no partial text, one final.

const WORKLET = `
class Pcm16Capture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.chunk = new Int16Array(options.processorOptions.chunkSamples);
    this.filled = 0;
    this.levelSum = 0;
    this.levelCount = 0;
    this.port.onmessage = (event) => { if (event.data === "flush") this.emit(true); };
  }
  emit(final) {
    const pcm = this.chunk.slice(0, this.filled);
    this.port.postMessage({ type: "chunk", pcm: pcm.buffer, final }, [pcm.buffer]);
    this.filled = 0;
  }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      const s = Math.max(-1, Math.min(1, channel[i]));
      this.chunk[this.filled++] = s < 0 ? s * 0x8000 : s * 0x7fff;
      this.levelSum += s * s;
      this.levelCount++;
      if (this.filled === this.chunk.length) this.emit(false);
    }
    if (this.levelCount >= 1600) {  // every 100 ms
      this.port.postMessage({ type: "level", rms: Math.sqrt(this.levelSum / this.levelCount) });
      this.levelSum = 0;
      this.levelCount = 0;
    }
    return true;
  }
}
registerProcessor("pcm16-capture", Pcm16Capture);
`;

const SPEECH_RMS = 0.015; // above this a 100 ms block counts as voice
const QUIET_HINT_MS = 6000; // no voice this long after starting → "we can't hear you"

export default {
  template: `
    <div class="audio-capture">
      <div aria-hidden="true" title="Microphone level" style="height:10px;background:#e5e7eb;border-radius:5px;overflow:hidden;width:100%">
        <div :style="{height:'100%',width:Math.round(level*100)+'%',background:'#16a34a',transition:'width 80ms'}"></div>
      </div>
    </div>`,
  props: {
    session_id: String,
    token: String,
    chunk_ms: { type: Number, default: 500 },
    silence_end_ms: { type: Number, default: 4000 },
    give_up_ms: { type: Number, default: 30000 },
    practice_url: { type: String, default: "" },
  },
  data() {
    return { level: 0 };
  },
  unmounted() {
    this.release();
  },
  methods: {
    async start(question_id, max_seconds) {
      if (this.starting || this.node || this.question_id === question_id) return; // one recording per answer
      this.starting = true;
      Object.assign(this, { question_id, seq: 0, unacked: new Map(), sending: false, finishing: false, stopped: false });
      this.clip = [];
      this.lastPartial = "";
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        this.starting = false;
        return this.$emit("state", { state: "unavailable", detail: "This browser cannot record audio here." });
      }
      try {
        this.stream = await navigator.mediaDevices.getUserMedia({
          audio: { echoCancellation: true, noiseSuppression: true, channelCount: 1 },
        });
      } catch (error) {
        this.starting = false;
        const state = error.name === "NotAllowedError" ? "denied" : "unavailable";
        return this.$emit("state", { state, detail: error.message });
      }
      this.context = new AudioContext({ sampleRate: 16000 });
      const url = URL.createObjectURL(new Blob([WORKLET], { type: "application/javascript" }));
      await this.context.audioWorklet.addModule(url);
      URL.revokeObjectURL(url);
      this.node = new AudioWorkletNode(this.context, "pcm16-capture", {
        processorOptions: { chunkSamples: Math.round((16000 * this.chunk_ms) / 1000) },
      });
      this.node.port.onmessage = (event) => this.onWorklet(event.data);
      const mute = this.context.createGain();
      mute.gain.value = 0;
      this.context.createMediaStreamSource(this.stream).connect(this.node).connect(mute).connect(this.context.destination);
      await this.context.resume();
      this.startedAt = performance.now();
      this.lastVoiceAt = null;
      this.hinted = false;
      this.deadline = max_seconds ? setTimeout(() => this.finish(), max_seconds * 1000) : null;
      this.starting = false;
      this.$emit("state", { state: "listening" });
    },
    onWorklet(message) {
      if (message.type === "level") return this.onLevel(message.rms);
      this.enqueue(message.pcm, message.final);
    },
    onLevel(rms) {
      this.level = Math.min(1, rms * 8);
      const now = performance.now();
      if (rms > SPEECH_RMS) this.lastVoiceAt = now;
      if (!this.lastVoiceAt && !this.hinted && now - this.startedAt > QUIET_HINT_MS) {
        this.hinted = true;
        this.$emit("state", { state: "quiet" });
      }
      if (this.lastVoiceAt && now - this.lastVoiceAt > this.silence_end_ms && !this.finishing) this.finish();
    },
    finish() {
      if (!this.node || this.finishing) return;
      this.finishing = true;
      clearTimeout(this.deadline);
      this.node.port.postMessage("flush"); // the worklet answers with the last chunk, marked final
      this.$emit("state", { state: "finishing" });
    },
    enqueue(pcm, final) {
      if (this.stopped) return; // gave up: a chunk still on its way from the worklet is dropped
      if (this.practice_url) return this.practise(pcm, final);
      this.unacked.set(this.seq, { pcm, final });
      this.seq += 1;
      if (final) this.releaseMicrophone();
      this.sendAll();
    },
    async sendAll() {
      if (this.sending) return;
      this.sending = true;
      try {
        while (this.unacked.size) {
          const [seq, chunk] = this.unacked.entries().next().value;
          const body = await this.sendWithRetries(seq, chunk);
          if (!body) return; // gave up: the page was told why
          this.unacked.delete(seq);
          if (body.partial !== this.lastPartial) {
            this.lastPartial = body.partial;
            this.$emit("partial", { question_id: this.question_id, text: body.partial });
          }
          if (body.final !== null && body.final !== undefined) {
            this.$emit("final", { question_id: this.question_id, text: body.final });
            this.$emit("state", { state: "done" });
          }
        }
      } finally {
        this.sending = false;
      }
    },
    async practise(pcm, final) {
      this.clip.push(pcm);
      if (!final) return;
      this.releaseMicrophone();
      const body = new Blob(this.clip);
      this.clip = [];
      let response = null;
      try {
        response = await fetch(`${window.path_prefix || ""}${this.practice_url}`, {
          method: "POST",
          headers: { Authorization: `Bearer ${this.token}`, "Content-Type": "audio/L16; rate=16000" },
          body,
        });
      } catch (error) {
        return this.giveUp("gave-up", "no connection");
      }
      if (!response.ok) {
        const state = response.status === 503 && response.headers.get("X-Speech-State") ? "speech-unavailable" : "error";
        return this.giveUp(state, `${response.status}: ${await response.text()}`);
      }
      const heard = await response.json();
      this.$emit("final", { question_id: this.question_id, text: heard.text });
      this.$emit("state", { state: "done" });
    },
    async sendWithRetries(seq, chunk) {
      const params = new URLSearchParams({
        session_id: this.session_id, question_id: this.question_id, seq: String(seq), final: String(chunk.final),
      });
      let failingSince = 0;
      for (let attempt = 0; ; attempt++) {
        let response = null;
        try {
          response = await fetch(`${window.path_prefix || ""}/stt/stream?${params}`, {
            method: "POST",
            headers: { Authorization: `Bearer ${this.token}`, "Content-Type": "audio/L16; rate=16000" },
            body: chunk.pcm,
          });
        } catch (error) {
          // network drop: keep the chunk and try again
        }
        if (response && response.ok) return await response.json();
        if (response && response.status === 503 && response.headers.get("X-Speech-State")) {
          return this.giveUp("speech-unavailable", await response.text()); // no model: retrying will not help
        }
        if (response && ![408, 429, 500, 502, 503, 504].includes(response.status)) {
          const detail = await response.text();
          return this.giveUp("error", `${response.status}: ${detail}`);
        }
        const retryAfter = response && Number(response.headers.get("Retry-After"));
        const wait = retryAfter ? retryAfter * 1000 : Math.min(4000, 250 * 2 ** attempt);
        if (attempt === 0) failingSince = performance.now();
        if (performance.now() - failingSince + wait > this.give_up_ms) {
          const detail = response ? `${response.status}: ${await response.text()}` : "no connection";
          return this.giveUp("gave-up", detail);
        }
        if (attempt === 2) this.$emit("state", { state: "retrying" });
        await new Promise((r) => setTimeout(r, wait));
      }
    },
    giveUp(state, detail) {
      // stop recording and sending; the page keeps what was heard and asks for typing
      this.finishing = this.stopped = true;
      this.unacked.clear();
      clearTimeout(this.deadline);
      this.releaseMicrophone();
      this.$emit("state", { state, detail, partial: this.lastPartial || "" });
      return null;
    },
    releaseMicrophone() {
      if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
      if (this.context) this.context.close();
      this.stream = this.context = this.node = null;
      this.level = 0;
    },
    release() {
      clearTimeout(this.deadline);
      this.releaseMicrophone();
    },
  },
};
