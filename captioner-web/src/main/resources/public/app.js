// captioner upload page: each chosen file is previewed and sent on its own to POST /api/captions,
// so every image shows its caption (or its error) as soon as it is ready.
(function () {
  const drop = document.getElementById('drop');
  const input = document.getElementById('files');
  const results = document.getElementById('results');

  let beamChosen = false;
  document.getElementById('beam').addEventListener('change', () => { beamChosen = true; });

  fetch('/api/health').then(r => r.json()).then(h => {
    const m = h.model || {};
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
    fetch('/api/captions?beam=' + beam + '&n_best=' + nbest, { method: 'POST', body: form })
      .then(r => r.json().then(j => ({ code: r.status, reply: j })))
      .then(({ code, reply }) => {
        const ms = Math.round(performance.now() - started);
        const r = (reply.results || [])[0];
        status.remove();
        if (!r || r.error) {
          body.appendChild(el('p', 'error', (r && r.error) || reply.error || ('HTTP ' + code)));
        } else {
          body.appendChild(el('p', 'caption', r.caption));
          const alts = el('ol', 'alts');
          (r.alternatives || []).forEach(a => {
            const li = el('li', '', a.caption + ' ');
            li.appendChild(el('span', 'score', '(' + a.log_prob.toFixed(2) + ')'));
            alts.appendChild(li);
          });
          if (alts.children.length > 1) body.appendChild(alts);
          // What the encoder's ImageNet classifier sees: the evidence the caption is held to.
          if ((r.tags || []).length) {
            const tags = el('p', 'tags', 'sees: ');
            r.tags.forEach(t => {
              const chip = el('span', 'tag', t.word + ' ' + Math.round(100 * t.probability) + '%');
              chip.title = t.label;
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

  function handle(files) { Array.from(files).forEach(caption); }

  input.addEventListener('change', () => { handle(input.files); input.value = ''; });
  ['dragenter', 'dragover'].forEach(t => drop.addEventListener(t, e => { e.preventDefault(); drop.classList.add('over'); }));
  ['dragleave', 'drop'].forEach(t => drop.addEventListener(t, e => { e.preventDefault(); drop.classList.remove('over'); }));
  drop.addEventListener('drop', e => handle(e.dataTransfer.files));
})();
