// The digits the tools work on: a test digit picked by index, or the drawing.

/** Number of MNIST test images. */
const TEST_IMAGES = 10000;

/** Reads a test-digit index field; throws a message naming the bad value. */
export function testIndex(input) {
  if (input.value.trim() === '') {
    throw new Error('the test digit field is empty; pick 0 to 9,999');
  }
  const index = Number(input.value);
  if (!Number.isInteger(index) || index < 0 || index >= TEST_IMAGES) {
    throw new Error(`test digit ${input.value} does not exist; pick 0 to 9,999`);
  }
  return index;
}

/**
 * Returns { image, label, name } for the digit a panel uses: the drawing when
 * `source` is "drawing", else the test digit in the field `input`.
 */
export async function loadSource(app, source, input) {
  if (source === 'drawing') {
    if (!app.drawing) throw new Error('nothing is drawn yet; draw a digit above or pick a test digit');
    return { image: app.drawing, label: null, name: 'your drawing' };
  }
  const index = testIndex(input);
  const { image, label } = await app.call('testImage', { index });
  return { image, label, name: `test digit ${index} (a ${label})` };
}
