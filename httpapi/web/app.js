// iq search page. Renders the JSON API with DOM calls: every piece of corpus
// text goes in through textContent or a text node, never innerHTML. The API's
// highlighted fields (question_html, fragments) are HTML-escaped text with
// <mark> spans; marked() turns those spans into <mark> elements and
// everything else back into plain text, so no other markup can appear.
'use strict';

(function () {
  // The facets are the page's sections, one per facet of the index's
  // registry (record.Facets), as the server renders them.
  const FACETS = [...document.querySelectorAll('#facets .facet')].map((s) => s.dataset.facet);
  const PAGE = 20;
  const FACET_SHOWN = 12;
  const DEBOUNCE_MS = 150;

  const $ = (id) => document.getElementById(id);
  const input = $('q');
  const state = { q: '', offset: 0, id: '', practice: false, view: '' };
  for (const f of FACETS) state[f] = [];
  let inflight = null;
  let timer = 0;
  let seq = 0;
  // shownSearch is the query string of the URL the page shows: a history
  // step that leaves it (a jump to an anchor) has nothing to search again.
  let shownSearch = location.search;
  const expanded = {};
  let lastFacets = {};

  // el builds an element with a class and text or children.
  function el(tag, cls, ...kids) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    for (const k of kids) {
      if (k !== null && k !== undefined) e.append(k);
    }
    return e;
  }

  const entities = { lt: '<', gt: '>', amp: '&', quot: '"', '#34': '"', '#39': "'" };
  function unescapeHTML(s) {
    return s.replace(/&(lt|gt|amp|quot|#34|#39);/g, (_, e) => entities[e]);
  }

  // marked appends the API's highlighted HTML to parent as text nodes and
  // <mark> elements.
  function marked(parent, html) {
    const re = /<mark>([\s\S]*?)<\/mark>/g;
    let last = 0;
    let m;
    while ((m = re.exec(html)) !== null) {
      parent.append(unescapeHTML(html.slice(last, m.index)));
      parent.append(el('mark', '', unescapeHTML(m[1])));
      last = re.lastIndex;
    }
    parent.append(unescapeHTML(html.slice(last)));
    return parent;
  }

  function source(s) {
    return s.line > 0 ? s.file + ':' + s.line : s.file;
  }

  // URL state: the page's address always describes what it shows, so it
  // can be shared and the back button works.
  function readURL() {
    const p = new URLSearchParams(location.search);
    state.q = p.get('q') || '';
    for (const f of FACETS) state[f] = p.getAll(f);
    state.offset = Math.max(0, parseInt(p.get('offset') || '0', 10) || 0);
    state.id = p.get('id') || '';
    state.practice = p.get('practice') === '1';
    state.view = p.get('view') === 'dups' ? 'dups' : '';
  }

  function params(withID) {
    const p = new URLSearchParams();
    if (state.q.trim()) p.set('q', state.q);
    for (const f of FACETS) for (const v of state[f]) p.append(f, v);
    if (state.offset) p.set('offset', String(state.offset));
    if (withID && state.id) p.set('id', state.id);
    // practice is the page's own: the API has no such parameter.
    if (withID && state.practice) p.set('practice', '1');
    if (withID && state.view) p.set('view', state.view);
    return p;
  }

  function writeURL(push) {
    const qs = params(true).toString();
    const url = location.pathname + (qs ? '?' + qs : '');
    if (url === location.pathname + location.search) return;
    if (push) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
    shownSearch = location.search;
  }

  async function getJSON(url, signal) {
    const r = await fetch(url, { signal, headers: { Accept: 'application/json' } });
    let body = null;
    try {
      body = await r.json();
    } catch (e) {
      throw new Error('bad answer from ' + url + ' (HTTP ' + r.status + ')');
    }
    if (!r.ok) {
      const err = new Error(body && body.error ? body.error.message : 'HTTP ' + r.status);
      err.status = r.status;
      throw err;
    }
    return body;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  }

  async function search() {
    clearTimeout(timer);
    if (inflight) inflight.abort();
    inflight = new AbortController();
    const mine = ++seq;
    const p = params(false);
    p.set('limit', String(PAGE));
    document.body.classList.add('busy');
    try {
      const signal = inflight.signal;
      // Disjunctive facets, as InstantSearch does: the counts of a facet
      // with ticked values come from the same search without that facet's
      // filter, so its other values stay listed and can be ticked too.
      const others = FACETS.filter((f) => state[f].length > 0).map((f) => {
        const q = params(false);
        q.delete(f);
        q.delete('offset');
        q.set('limit', '1');
        return getJSON('/api/search?' + q.toString(), signal).then((r) => [f, r.facets[f] || []]);
      });
      const [res, ...facets] = await Promise.all([getJSON('/api/search?' + p.toString(), signal), ...others]);
      for (const [f, counts] of facets) res.facets[f] = counts;
      if (mine === seq) renderResults(res);
    } catch (e) {
      if (e.name !== 'AbortError' && mine === seq) renderError(e);
    } finally {
      if (mine === seq) document.body.classList.remove('busy');
    }
  }

  function renderError(e) {
    $('status').textContent = '';
    const n = $('notice');
    n.hidden = false;
    n.className = 'notice error';
    n.textContent = e.message;
    $('hits').replaceChildren();
    $('pager').hidden = true;
  }

  function renderResults(res) {
    const n = $('notice');
    n.hidden = true;
    n.className = 'notice';
    if (res.fuzzy) {
      n.hidden = false;
      n.textContent = 'No match for “' + res.query + '”; showing results for “' + res.used_spelling + '”.';
    } else if (res.suggestion) {
      n.hidden = false;
      n.textContent = 'Did you mean “' + res.suggestion + '”?';
    }
    const browsing = !state.q.trim();
    let status;
    if (res.total === 0) {
      status = 'No questions match.';
    } else {
      const from = res.offset + 1;
      const to = res.offset + res.hits.length;
      status = (browsing ? 'Browsing ' : '') + from + '–' + to + ' of ' + res.total + ' questions · ' + res.took_ms.toFixed(1) + ' ms';
      if (res.relaxed) status += ' · matching any word';
      if (res.collapsed) status += ' · ' + res.collapsed + (res.collapsed === 1 ? ' near-duplicate folded' : ' near-duplicates folded');
    }
    $('status').textContent = status;

    const list = $('hits');
    list.replaceChildren();
    list.start = res.offset + 1;
    for (const h of res.hits) list.append(renderHit(h));
    lastFacets = res.facets || {};
    renderFacets(lastFacets);
    $('pager').hidden = res.total <= PAGE;
    $('prev').disabled = res.offset === 0;
    $('next').disabled = res.offset + res.hits.length >= res.total;
  }

  function renderHit(h) {
    const title = marked(el('a', 'hit-title'), h.question_html);
    title.href = '?id=' + encodeURIComponent(h.id);
    title.dataset.id = h.id;
    const meta = el('div', 'meta');
    meta.append(el('span', 'badge level-' + (h.level || 'none'), h.level || 'any level'));
    for (const t of h.topics) meta.append(el('span', 'badge topic', t));
    if (h.sources.length) {
      let s = source(h.sources[0]);
      if (h.sources.length > 1) s += ' (+' + (h.sources.length - 1) + ' more)';
      meta.append(el('span', 'src', s));
    }
    if (h.similar > 0) {
      // Near-duplicates folded into this hit: the question view lists
      // them under "Similar questions".
      const more = el('a', 'similar-count', '+' + h.similar + ' similar');
      more.href = '?id=' + encodeURIComponent(h.id);
      more.dataset.id = h.id;
      more.title = h.similar === 1 ? 'A near-duplicate of this question is folded into it' : h.similar + ' near-duplicates of this question are folded into it';
      meta.append(more);
    }
    let body = null;
    if (h.fragments.length) body = marked(el('p', 'fragment'), h.fragments[0]);
    else if (h.snippet) body = el('p', 'fragment', h.snippet);
    const li = el('li', 'hit', title, meta, body);
    li.dataset.id = h.id;
    if (h.id === state.id) li.classList.add('open');
    return li;
  }

  function renderFacets(facets) {
    for (const f of FACETS) {
      const sec = document.querySelector('.facet[data-facet="' + f + '"]');
      const ul = sec.querySelector('ul');
      const counts = (facets[f] || []).slice();
      // A ticked value stays listed even when nothing matches it now.
      for (const v of state[f]) {
        if (!counts.some((c) => c.value.toLowerCase() === v.toLowerCase())) counts.push({ value: v, count: 0 });
      }
      ul.replaceChildren();
      const limit = expanded[f] ? counts.length : FACET_SHOWN;
      counts.forEach((c, i) => {
        const checked = state[f].some((v) => v.toLowerCase() === c.value.toLowerCase());
        if (i >= limit && !checked) return;
        const box = el('input');
        box.type = 'checkbox';
        box.name = f;
        box.value = c.value;
        box.checked = checked;
        const shown = f === 'source' ? c.value.replace(/^.*\//, '') : c.value;
        const label = el('label', '', box, el('span', 'value', shown), el('span', 'count', String(c.count)));
        label.title = c.value;
        ul.append(el('li', '', label));
      });
      if (counts.length === 0) ul.append(el('li', 'muted', '—'));
      if (counts.length > FACET_SHOWN) {
        const more = el('button', 'more', expanded[f] ? 'Show fewer' : 'Show all ' + counts.length);
        more.type = 'button';
        more.dataset.facet = f;
        ul.append(el('li', '', more));
      }
    }
  }

  async function openQuestion(id, push) {
    state.id = id;
    writeURL(push);
    for (const li of document.querySelectorAll('#hits .hit')) li.classList.toggle('open', li.dataset.id === id);
    const view = $('question');
    view.hidden = false;
    $('layout').classList.add('with-question');
    document.body.classList.add('question-open');
    view.replaceChildren(el('p', 'muted', 'Loading…'));
    try {
      const rec = await getJSON('/api/questions/' + encodeURIComponent(id));
      if (state.id === id) renderQuestion(rec);
    } catch (e) {
      if (state.id === id) view.replaceChildren(closeButton(), el('p', 'notice error', e.message));
    }
  }

  function closeQuestion(push) {
    const closed = state.id;
    state.id = '';
    writeURL(push);
    $('question').hidden = true;
    $('question').replaceChildren();
    $('layout').classList.remove('with-question');
    document.body.classList.remove('question-open');
    for (const li of document.querySelectorAll('#hits .hit.open')) li.classList.remove('open');
    // Back to the result it came from, for the keyboard.
    for (const h of document.querySelectorAll('#hits .hit')) {
      if (h.dataset.id === closed) {
        for (const o of document.querySelectorAll('#hits .hit.cursor')) o.classList.remove('cursor');
        h.classList.add('cursor');
        h.querySelector('.hit-title').focus();
      }
    }
  }

  function closeButton() {
    const b = el('button', 'close', '×');
    b.type = 'button';
    b.id = 'close';
    b.title = 'Close (Esc)';
    b.setAttribute('aria-label', 'Close question');
    return b;
  }

  function renderQuestion(r) {
    const view = $('question');
    const meta = el('div', 'meta');
    meta.append(el('span', 'badge level-' + (r.level || 'none'), r.level || 'any level'));
    if (r.level_label && r.level_label.toLowerCase() !== (r.level || '').toLowerCase()) {
      meta.append(el('span', 'muted', '(' + r.level_label + ')'));
    }
    for (const t of r.topics || []) meta.append(el('span', 'badge topic', t));
    for (const t of r.tags || []) meta.append(el('span', 'badge tag', '#' + t));

    const sources = el('ul', 'sources');
    for (const s of r.sources || []) sources.append(el('li', '', el('code', '', source(s))));

    const answers = el('div', 'answers');
    const n = (r.answers || []).length;
    if (n === 0) answers.append(el('p', 'muted', 'No answer in the sources.'));
    (r.answers || []).forEach((a, i) => {
      const sec = el('section', 'answer', el('h3', '', 'Answer ' + (i + 1) + ' of ' + n, el('span', 'src', source(a.source))));
      appendAnswerText(sec, a.text || '', a.code || []);
      if (a.how_to_answer) sec.append(el('p', 'text', el('strong', '', 'How to answer: '), a.how_to_answer.trim()));
      if (a.example_answer) sec.append(el('p', 'text', el('strong', '', 'Example answer: '), a.example_answer.trim()));
      answers.append(sec);
    });

    const similar = el('section', 'similar', el('h3', '', 'Similar questions'), el('p', 'muted', 'Looking…'));
    similar.id = 'similar';
    // Practice: the answers (and similar questions, whose wording gives
    // answers away) wait behind a button; Next goes on to the next hit.
    let reveal = null;
    if (state.practice) {
      answers.hidden = true;
      similar.hidden = true;
      reveal = el('div', 'practice-bar');
      const show = el('button', 'reveal', 'Show answer');
      show.type = 'button';
      show.id = 'reveal';
      show.addEventListener('click', () => {
        answers.hidden = false;
        similar.hidden = false;
        show.remove();
      });
      const next = el('button', 'next-question', 'Next question →');
      next.type = 'button';
      next.id = 'next-question';
      next.addEventListener('click', () => moveQuestion(1));
      reveal.append(show, next);
    }
    view.replaceChildren(...[
      closeButton(),
      el('h2', 'q-title', r.question),
      meta,
      el('h3', '', 'Asked in'),
      sources,
      reveal,
      answers,
      similar,
    ].filter((e) => e !== null));
    view.scrollTop = 0;
    if (document.body.classList.contains('question-open') && window.matchMedia('(max-width: 700px)').matches) view.focus();
    loadSimilar(r.id, similar);
  }

  // inlineCode appends text to parent with its Markdown code spans
  // (`Depends`) as <code> elements, the backticks dropped; the rest stays
  // text.
  function inlineCode(parent, text) {
    const re = /`([^`\n]+)`/g;
    let last = 0;
    let m;
    while ((m = re.exec(text)) !== null) {
      parent.append(text.slice(last, m.index), el('code', '', m[1]));
      last = re.lastIndex;
    }
    parent.append(text.slice(last));
    return parent;
  }

  // appendAnswerText shows an answer's text with its code blocks in place:
  // ingest keeps the code in the text too (it is searched there), so each
  // block found in the text is cut out of the prose and shown as code.
  function appendAnswerText(sec, text, codes) {
    let rest = text;
    const pre = (c) => {
      const code = el('code', '', c.text.replace(/\n+$/, ''));
      if (c.lang) code.dataset.lang = c.lang;
      return el('pre', '', code);
    };
    const prose = (s) => {
      if (s.trim()) sec.append(inlineCode(el('p', 'text'), s.trim()));
    };
    const left = [];
    for (const c of codes) {
      const body = c.text.replace(/\n+$/, '');
      const i = body ? rest.indexOf(body) : -1;
      if (i < 0) {
        left.push(c);
        continue;
      }
      prose(rest.slice(0, i));
      sec.append(pre(c));
      rest = rest.slice(i + body.length);
    }
    prose(rest);
    for (const c of left) sec.append(pre(c));
  }

  // loadSimilar fills the similar-questions section from /api/similar:
  // likely duplicates with their scores, those at the clustering threshold
  // (the ones a search folds into "+N similar") marked. Ten, so a folded
  // cluster shows in full in all but rare cases.
  async function loadSimilar(id, sec) {
    try {
      const res = await getJSON('/api/similar?id=' + encodeURIComponent(id) + '&limit=10');
      const matches = res.matches || [];
      const list = el('ol', 'similar-list');
      for (const m of matches) {
        const a = el('a', '', m.question);
        a.href = '?id=' + encodeURIComponent(m.id);
        a.dataset.id = m.id;
        const li = el('li', '', a, el('span', 'score', ' ' + Number(m.score).toFixed(2)));
        if (m.duplicate) li.append(' ', el('span', 'badge dup', 'duplicate'));
        if (m.sources && m.sources.length) li.append(' ', el('span', 'src', source(m.sources[0])));
        list.append(li);
      }
      sec.replaceChildren(sec.firstChild, matches.length ? list : el('p', 'muted', 'None found.'));
    } catch (e) {
      if (e.status === 404) sec.hidden = true;
      else sec.replaceChildren(sec.firstChild, el('p', 'muted', e.message));
    }
  }

  // moveCursor moves the keyboard's place in the results by step (0: to the
  // first), focusing the hit's title so that Enter opens it. It returns
  // false at the top.
  function moveCursor(step) {
    const hits = [...document.querySelectorAll('#hits .hit')];
    if (!hits.length) return false;
    let i = hits.findIndex((h) => h.classList.contains('cursor'));
    if (step === 0 || i < 0) i = 0;
    else i += step;
    if (i < 0) {
      for (const h of hits) h.classList.remove('cursor');
      return false;
    }
    i = Math.min(i, hits.length - 1);
    hits.forEach((h, k) => h.classList.toggle('cursor', k === i));
    const a = hits[i].querySelector('.hit-title');
    a.focus();
    a.scrollIntoView({ block: 'nearest' });
    return true;
  }

  // moveQuestion opens the hit step places after the one open.
  function moveQuestion(step) {
    const hits = [...document.querySelectorAll('#hits .hit')];
    const i = hits.findIndex((h) => h.dataset.id === state.id);
    const next = hits[i + step];
    if (next) {
      hits.forEach((h) => h.classList.toggle('cursor', h === next));
      openQuestion(next.dataset.id, true);
    }
  }

  // The duplicates view: clusters of near-duplicates from /api/dups, each
  // with its members side by side, their score against the canonical
  // question and why they match, in the questions' own words.
  function showView() {
    const dups = state.view === 'dups';
    $('dups').hidden = !dups;
    $('results').hidden = dups;
    $('facets').hidden = dups;
    $('dups-link').classList.toggle('active', dups);
    $('layout').classList.toggle('dups-view', dups);
  }

  async function loadDups() {
    showView();
    const mine = ++seq;
    if (inflight) inflight.abort();
    inflight = new AbortController();
    const p = new URLSearchParams();
    for (const f of ['level', 'topic']) for (const v of state[f]) p.append(f, v);
    p.set('limit', String(PAGE));
    if (state.offset) p.set('offset', String(state.offset));
    $('dups-status').textContent = 'Looking for near-duplicates…';
    try {
      const res = await getJSON('/api/dups?' + p.toString(), inflight.signal);
      if (mine === seq) renderDups(res);
    } catch (e) {
      if (e.name !== 'AbortError' && mine === seq) {
        $('dups-status').textContent = e.message;
        $('clusters').replaceChildren();
      }
    }
  }

  function renderDups(res) {
    let status = res.total === 0 ? 'No near-duplicates.' :
      state.offset + 1 + '–' + (state.offset + res.clusters.length) + ' of ' + res.total +
      ' clusters · ' + res.questions + ' questions · min score ' + Number(res.min_score).toFixed(2) + ' · ' + res.took_ms.toFixed(1) + ' ms';
    const ds = res.decisions || [];
    if (ds.length) {
      const applied = ds.filter((d) => !(d.missing && d.missing.length)).length;
      status += ' · ' + applied + ' of ' + ds.length + (ds.length === 1 ? ' decision' : ' decisions') + ' applied';
      if (applied < ds.length) status += ' (' + (ds.length - applied) + ' name questions not found)';
    }
    $('dups-status').textContent = status;
    const list = $('clusters');
    list.replaceChildren();
    list.start = state.offset + 1;
    for (const c of res.clusters) list.append(renderCluster(c));
    $('dups-pager').hidden = res.total <= PAGE;
    $('dups-prev').disabled = state.offset === 0;
    $('dups-next').disabled = state.offset + res.clusters.length >= res.total;
  }

  function renderCluster(c) {
    const members = el('div', 'members');
    c.members.forEach((m, i) => {
      const title = el('a', 'member-title', m.question);
      title.href = '?id=' + encodeURIComponent(m.id);
      title.dataset.id = m.id;
      const head = el('div', 'member-head', el('span', 'score', Number(m.score).toFixed(2)));
      if (i === 0) head.append(el('span', 'badge canonical', m.decision === 'canonical' ? 'canonical, chosen' : 'canonical'));
      const card = el('div', 'member' + (i === 0 ? ' canonical' : ''), head, title);
      const meta = el('div', 'meta');
      meta.append(el('span', 'badge level-' + (m.level || 'none'), m.level || 'any level'));
      for (const t of m.topics || []) meta.append(el('span', 'badge topic', t));
      card.append(meta);
      if (i > 0) {
        const why = el('div', 'why');
        if (m.decision === 'duplicates') why.append(el('p', 'decision', 'The same by a maintainer\'s decision'));
        if (m.shared && m.shared.length) why.append(el('p', 'shared', 'Both ask about: ' + m.shared.join(', ')));
        if (m.matched_synonyms && m.matched_synonyms.length) why.append(el('p', 'synonyms', 'Same meaning: ' + m.matched_synonyms.join('; ')));
        if (m.guards && m.guards.length) why.append(el('p', 'guards', 'But: ' + m.guards.join('; ')));
        if (!why.childNodes.length && m.reason) why.append(el('p', 'reason', m.reason));
        card.append(why);
      }
      const srcs = el('ul', 'member-sources');
      for (const s of m.sources || []) srcs.append(el('li', 'src', source(s)));
      card.append(srcs);
      members.append(card);
    });
    const li = el('li', 'cluster', el('h2', 'cluster-title', c.question, el('span', 'muted', ' · ' + c.size + ' questions')), members);
    li.dataset.id = c.id;
    return li;
  }

  function init() {
    readURL();
    input.value = state.q;
    input.addEventListener('input', () => {
      state.q = input.value;
      state.offset = 0;
      if (state.view) {
        state.view = '';
        showView();
      }
      writeURL(false);
      schedule();
    });
    $('dups-link').addEventListener('click', (ev) => {
      if (ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return;
      ev.preventDefault();
      state.view = 'dups';
      state.offset = 0;
      writeURL(true);
      loadDups();
    });
    $('dups-prev').addEventListener('click', () => {
      state.offset = Math.max(0, state.offset - PAGE);
      writeURL(false);
      loadDups();
    });
    $('dups-next').addEventListener('click', () => {
      state.offset += PAGE;
      writeURL(false);
      loadDups();
    });
    $('search-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      state.q = input.value;
      state.offset = 0;
      writeURL(false);
      search();
    });
    $('facets').addEventListener('change', (ev) => {
      const box = ev.target;
      if (box.type !== 'checkbox') return;
      const vs = state[box.name].filter((v) => v.toLowerCase() !== box.value.toLowerCase());
      if (box.checked) vs.push(box.value);
      state[box.name] = vs;
      state.offset = 0;
      writeURL(false);
      search();
    });
    $('facets').addEventListener('click', (ev) => {
      const b = ev.target.closest('button.more');
      if (!b) return;
      expanded[b.dataset.facet] = !expanded[b.dataset.facet];
      renderFacets(lastFacets);
    });
    $('prev').addEventListener('click', () => {
      state.offset = Math.max(0, state.offset - PAGE);
      writeURL(false);
      search();
    });
    $('next').addEventListener('click', () => {
      state.offset += PAGE;
      writeURL(false);
      search();
    });
    document.addEventListener('click', (ev) => {
      if (ev.target.closest('#close')) {
        closeQuestion(true);
        return;
      }
      const a = ev.target.closest('a[data-id]');
      if (!a || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return;
      ev.preventDefault();
      openQuestion(a.dataset.id, true);
    });
    document.addEventListener('keydown', (ev) => {
      if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
      const typing = document.activeElement === input;
      const inForm = !typing && document.activeElement && /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
      if (ev.key === '/' && !typing) {
        ev.preventDefault();
        input.focus();
      } else if (ev.key === 'Escape' && state.id) {
        closeQuestion(true);
      } else if (ev.key === 'ArrowDown' || (!typing && !inForm && ev.key === 'j')) {
        if (inForm) return;
        ev.preventDefault();
        moveCursor(typing ? 0 : 1);
      } else if (ev.key === 'ArrowUp' || (!typing && !inForm && ev.key === 'k')) {
        if (typing || inForm) return;
        ev.preventDefault();
        if (!moveCursor(-1)) input.focus();
      }
    });
    $('filters-toggle').addEventListener('click', () => {
      const open = !document.body.classList.contains('filters-open');
      document.body.classList.toggle('filters-open', open);
      $('filters-toggle').setAttribute('aria-expanded', String(open));
    });
    const practice = $('practice');
    practice.checked = state.practice;
    document.body.classList.toggle('practice', state.practice);
    practice.addEventListener('change', () => {
      state.practice = practice.checked;
      document.body.classList.toggle('practice', state.practice);
      writeURL(false);
      if (state.id) openQuestion(state.id, false);
    });
    window.addEventListener('popstate', () => {
      // The skip link's jump to #hits is a history step too: searching
      // again re-drew the list under the keyboard's focus.
      if (location.search === shownSearch) return;
      shownSearch = location.search;
      readURL();
      input.value = state.q;
      showView();
      if (state.view === 'dups') loadDups();
      else search();
      if (state.id) openQuestion(state.id, false);
      else closeQuestion(false);
    });
    showView();
    if (state.view === 'dups') loadDups();
    else search();
    if (state.id) openQuestion(state.id, false);
  }

  init();
})();
