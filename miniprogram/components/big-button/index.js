/* A full-width button at least one thumb tall, with an optional second line in plain words.
 * A view (not <button>) so the base library's fixed button width never shrinks it. */
Component({
  options: { addGlobalClass: true },
  properties: {
    text: { type: String, value: '' },
    sub: { type: String, value: '' },
    kind: { type: String, value: 'primary' }, // primary | plain | quiet
    disabled: { type: Boolean, value: false },
    loading: { type: Boolean, value: false },
    value: { type: String, value: '' },
  },
  methods: {
    onTap() {
      if (this.data.disabled || this.data.loading) return;
      this.triggerEvent('press', { value: this.data.value });
    },
  },
});
