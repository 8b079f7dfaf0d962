// captioner upload page: each chosen file is previewed and sent on its own to POST /api/captions,
// so every image shows its caption (or its error) as soon as it is ready.
(function () {
  const drop = document.getElementById('drop');
  const input = document.getElementById('files');
  const results = document.getElementById('results');

  let beamChosen = false;
  // Set from /api/health: whether the model can say where it looked, and what part of a photo its encoder sees.
  let attends = false;
  let view = { mode: 'squash', resize: 224, crop: 224 };
  document.getElementById('beam').addEventListener('change', () => { beamChosen = true; });

  // Uploads wait for this answer: it says whether to ask for attention maps.
  const health = fetch('/api/health').then(r => r.json()).then(h => {
    const m = h.model || {};
    attends = !!m.attends;
    if (h.encoder && h.encoder.view) view = h.encoder.view;
    document.getElementById('model').textContent =
      'model: ' + (m.dataset || 'unknown data') + ', ' + m.vocabulary + ' words · encoder: ' +
      (h.encoder && h.encoder.name);
    // Start from the beam width the model was tuned for, and say so.
    const beam = m.search && document.querySelector('#beam option[value="' + m.search.beam + '"]');
    if (beam) {
      beam.textContent += ' (model default)';
      if (!beamChosen) beam.selected = true;  // never undo a choice the user made before this answer
    }
  }).catch(() => { document.getElementById('model').textContent = 'model status unavailable'; });

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function caption(file) {
    const card = el('article', 'card');
    const img = el('img');
    img.alt = file.name;
    img.src = URL.createObjectURL(file);
    img.onerror = () => { img.removeAttribute('src'); };
    const body = el('div', 'body');
    const status = el('p', 'pending', 'Captioning ' + file.name + '…');
    body.appendChild(status);
    card.appendChild(img);
    card.appendChild(body);
    results.prepend(card);

    const form = new FormData();
    form.append('file', file, file.name);
    const beam = document.getElementById('beam').value;
    const nbest = Math.min(parseInt(document.getElementById('nbest').value, 10), parseInt(beam, 10));
    const started = performance.now();
    health.then(() => fetch('/api/captions?beam=' + beam + '&n_best=' + nbest + (attends ? '&attention=1' : ''),
      { method: 'POST', body: form }))
      .then(r => r.json().then(j => ({ code: r.status, reply: j })))
      .then(({ code, reply }) => {
        const ms = Math.round(performance.now() - started);
        const r = (reply.results || [])[0];
        status.remove();
        if (!r || r.error) {
          body.appendChild(el('p', 'error', (r && r.error) || reply.error || ('HTTP ' + code)));
        } else {
          if (r.attention) {
            showWords(card, img, r);
          } else {
            body.appendChild(el('p', 'caption', r.caption));
          }
          const alts = el('ol', 'alts');
          (r.alternatives || []).forEach(a => {
            const li = el('li', '', a.caption + ' ');
            li.appendChild(el('span', 'score', '(' + a.log_prob.toFixed(2) + ')'));
            alts.appendChild(li);
          });
          if (alts.children.length > 1) body.appendChild(alts);
          // What the encoder's ImageNet classifier and the concept detectors see: the evidence the caption is held to.
          if ((r.tags || []).length) {
            const tags = el('p', 'tags', 'sees: ');
            r.tags.forEach(t => {
              // A concept detector's class (person, skis, ...) is learnt from captions, not ImageNet's:
              // drawn apart, and said so on hover.
              const concept = t.label === 'learnt from captions';
              const chip = el('span', concept ? 'tag concept' : 'tag', t.word + ' ' + Math.round(100 * t.probability) + '%');
              chip.title = concept ? 'a detector learnt from Flickr8k captions' : 'ImageNet: ' + t.label;
              tags.appendChild(chip);
            });
            body.appendChild(tags);
          }
        }
        body.appendChild(el('p', 'muted', file.name + ' · ' + ms + ' ms'));
      })
      .catch(e => {
        status.remove();
        body.appendChild(el('p', 'error', 'request failed: ' + e));
      });
  }

  // The caption as words to point at; attention.js draws the pointed word's map over the photo.
  function showWords(card, img, r) {
    const body = card.querySelector('.body');
    const photo = el('div', 'photo');
    card.insertBefore(photo, img);
    photo.appendChild(img);
    const canvas = el('canvas', 'map');
    photo.appendChild(canvas);
    card.dataset.alpha = JSON.stringify(r.attention.words.map(w => w.alpha));
    const setSeen = () => {
      const w = img.naturalWidth || 1, h = img.naturalHeight || 1;
      if (view.mode !== 'crop') { card.dataset.seen = '0,0,1,1'; return; }
      const side = Math.min(w, h) * view.crop / view.resize;
      card.dataset.seen = [(w - side) / 2 / w, (h - side) / 2 / h, side / w, side / h].join(',');
    };
    if (img.complete) setSeen(); else img.addEventListener('load', setSeen);
    const p = el('p', 'caption');
    r.attention.words.forEach((w, k) => {
      if (k > 0) p.appendChild(document.createTextNode(' '));
      const span = el('span', 'w', w.word);
      span.tabIndex = 0;
      span.dataset.k = k;
      p.appendChild(span);
    });
    body.appendChild(p);
    body.appendChild(el('p', 'muted hint', 'point at a word to see where the model looked'));
  }

  function handle(files) { Array.from(files).forEach(caption); }

  input.addEventListener('change', () => { handle(input.files); input.value = ''; });
  ['dragenter', 'dragover'].forEach(t => drop.addEventListener(t, e => { e.preventDefault(); drop.classList.add('over'); }));
  ['dragleave', 'drop'].forEach(t => drop.addEventListener(t, e => { e.preventDefault(); drop.classList.remove('over'); }));
  drop.addEventListener('drop', e => handle(e.dataTransfer.files));
})();
