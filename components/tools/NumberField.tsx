/** A labelled text input for a number typed by hand (validated by the island, not the browser). */
export function NumberField(
  { name, label, value, onValue }: {
    name: string;
    label: string;
    value: string;
    onValue: (value: string) => void;
  },
) {
  return (
    <label>
      <span>{label}</span>
      <input
        type="text"
        inputMode="decimal"
        name={name}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
    </label>
  );
}
