/** A labelled <select> of sort orders. */
import { useId } from "react";
import type { MessageKey } from "../i18n/en";
import { useI18n } from "../i18n/I18nProvider";

interface Props<S extends string> {
  value: S;
  options: readonly S[];
  label: (option: S) => MessageKey;
  onChange: (value: S) => void;
  /** The label, "Sort by" unless a page has several lists to sort. */
  title?: MessageKey;
}

export function SortSelect<S extends string>({ value, options, label, onChange, title = "list.sortBy" }: Props<S>) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="sort-select">
      <label htmlFor={id}>{t(title)}</label>
      <select id={id} className="select" value={value} onChange={(event) => onChange(options.find((option) => option === event.target.value) ?? value)}>
        {options.map((option) => (
          <option key={option} value={option}>
            {t(label(option))}
          </option>
        ))}
      </select>
    </div>
  );
}
