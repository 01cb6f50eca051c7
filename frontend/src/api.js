// fetch() for our API: same-origin session with Django's CSRF token; errors come back as ApiError with the
// server's message and per-field messages, which the page shows next to the field concerned.

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.fields = (body && body.errors) || {};
    this.code = body && body.code;
    // A form with several photos: which one the refusal concerns (from 0), else null.
    this.photoIndex = body && Number.isInteger(body.photo_index) ? body.photo_index : null;
  }
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : '';
}

// A key for the `Idempotency-Key` header: 128 random bits (getRandomValues also works where randomUUID does
// not, on a plain-http intranet deployment).
export function newIdempotencyKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function api(url, { method = 'GET', body, signal, idempotencyKey } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRFToken'] = csrfToken();
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(url, {
    method, headers, signal, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// A multipart form (photos) through XMLHttpRequest, the one browser API that reports upload progress:
// `onProgress(fraction)` while the bytes go out (a phone on a slow connection may take a minute), then
// `onSent()` once they are all out and the server is at work. Answers and errors as api() gives them; an
// aborted `signal` stops the upload (an AbortError, as fetch() gives).
export function sendForm(url, form, { idempotencyKey, onProgress, onSent, signal } = {}) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    if (signal) {
      if (signal.aborted) {
        reject(new DOMException('aborted', 'AbortError'));
        return;
      }
      signal.addEventListener('abort', () => request.abort(), { once: true });
    }
    request.open('POST', url);
    request.setRequestHeader('Accept', 'application/json');
    request.setRequestHeader('X-CSRFToken', csrfToken());
    if (idempotencyKey) request.setRequestHeader('Idempotency-Key', idempotencyKey);
    request.upload.addEventListener('progress', (event) => {
      if (onProgress && event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    request.upload.addEventListener('load', () => onSent && onSent());
    request.addEventListener('load', () => {
      let data = null;
      try {
        data = request.status === 204 ? null : JSON.parse(request.responseText);
      } catch {
        data = null;
      }
      if (request.status >= 200 && request.status < 300) resolve(data);
      else reject(new ApiError(request.status, data));
    });
    // No answer at all (connection lost): as fetch() would, a TypeError.
    request.addEventListener('error', () => reject(new TypeError('network error')));
    request.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    request.send(form);
  });
}
