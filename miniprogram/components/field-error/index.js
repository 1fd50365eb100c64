/* The plain-Chinese error under a field; renders nothing when there is no message. */
Component({
  options: { addGlobalClass: true },
  properties: { message: { type: String, value: '' } },
});
