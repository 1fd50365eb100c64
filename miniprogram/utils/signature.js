/*
 * Records signature strokes drawn on the canvas. The page draws; this decides whether what was
 * drawn is a signature at all, so an accidental tap is not sent as someone's 授权.
 */
const MIN_INK = 120; // total stroke length in canvas px; a short scribble of two characters is ~400

function createStrokeRecorder() {
  let strokes = [];
  let ink = 0;
  return {
    begin(x, y) { strokes.push([[x, y]]); },
    /* Returns the previous point so the page can draw the segment. */
    move(x, y) {
      const stroke = strokes[strokes.length - 1];
      if (!stroke) return null;
      const prev = stroke[stroke.length - 1];
      ink += Math.hypot(x - prev[0], y - prev[1]);
      stroke.push([x, y]);
      return prev;
    },
    clear() { strokes = []; ink = 0; },
    hasInk: () => ink >= MIN_INK,
    strokeCount: () => strokes.length,
  };
}

module.exports = { createStrokeRecorder, MIN_INK };
