// Keeps the last trained weights in IndexedDB, so they survive a reload.

const DATABASE = 'mnist-autoencoder';
const STORE = 'weights';
const KEY = 'latest';

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function transact(mode, action) {
  return open().then((database) => new Promise((resolve, reject) => {
    const transaction = database.transaction(STORE, mode);
    const request = action(transaction.objectStore(STORE));
    transaction.oncomplete = () => {
      database.close();
      resolve(request.result);
    };
    transaction.onerror = () => {
      database.close();
      reject(transaction.error);
    };
  }));
}

/** Saves weights bytes with a description ({ savedAt, testMse, source }). */
export function saveWeights(bytes, info) {
  return transact('readwrite', (store) => store.put({ bytes, ...info }, KEY));
}

/** Returns the saved record ({ bytes, savedAt, … }) or undefined. */
export function loadWeights() {
  return transact('readonly', (store) => store.get(KEY));
}

export function forgetWeights() {
  return transact('readwrite', (store) => store.delete(KEY));
}
