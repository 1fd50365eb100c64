/* Vertical timeline of an application's steps, shaped by utils/timeline.shapeTimeline. */
Component({
  options: { addGlobalClass: true },
  properties: { steps: { type: Array, value: [] } },
});
