import {
  forwardRef,
  useId,
  type ButtonHTMLAttributes,
  type HTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from "react";

/** Joins class names, skipping falsy ones. */
export function cx(...classes: Array<string | false | null | undefined>): string {
  return classes.filter(Boolean).join(" ");
}

// ---------- Button ----------

export type ButtonVariant = "primary" | "secondary" | "ghost" | "danger";
export type ButtonSize = "sm" | "md";

const buttonBase =
  "inline-flex items-center justify-center gap-2 rounded-lg font-medium whitespace-nowrap transition-colors " +
  "disabled:cursor-not-allowed disabled:opacity-60";

const buttonVariants: Record<ButtonVariant, string> = {
  primary: "bg-brand-600 text-white shadow-xs hover:bg-brand-700 active:bg-brand-800",
  secondary: "border border-slate-300 bg-white text-slate-800 shadow-xs hover:bg-slate-50 active:bg-slate-100",
  ghost: "text-slate-700 hover:bg-slate-100 hover:text-slate-900 active:bg-slate-200",
  danger: "bg-red-600 text-white shadow-xs hover:bg-red-700 active:bg-red-800",
};

const buttonSizes: Record<ButtonSize, string> = {
  sm: "h-8 px-3 text-sm",
  md: "h-10 px-4 text-sm",
};

/** Button styling for things that are not `<button>`s, e.g. a `<Link>` that reads as an action. */
export function buttonClasses({
  variant = "primary",
  size = "md",
  className,
}: { variant?: ButtonVariant; size?: ButtonSize; className?: string } = {}): string {
  return cx(buttonBase, buttonVariants[variant], buttonSizes[size], className);
}

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: ButtonVariant;
  size?: ButtonSize;
};

/** A native `<button>`: like HTML, it submits its form unless `type="button"` is given. */
export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { variant = "primary", size = "md", className, ...props },
  ref,
) {
  return <button ref={ref} className={buttonClasses({ variant, size, className })} {...props} />;
});

// ---------- Form fields ----------

type FieldProps = {
  label: ReactNode;
  /** Already-translated messages for this field; any message marks the field invalid. */
  errors?: string | readonly string[] | null;
  hint?: ReactNode;
  /** Classes for the wrapper around label, control and messages. */
  className?: string;
};

const controlBase =
  "block w-full rounded-lg border bg-white px-3 text-sm text-slate-900 shadow-xs transition-colors " +
  "placeholder:text-slate-400 disabled:cursor-not-allowed disabled:bg-slate-50 disabled:text-slate-500";

function controlClasses(invalid: boolean, extra?: string) {
  return cx(
    controlBase,
    invalid ? "border-red-500 focus-visible:outline-red-600" : "border-slate-300 hover:border-slate-400",
    extra,
  );
}

/** Ids that tie a control to its label, hint and error messages, and the control's own attributes. */
function useField(id: string | undefined, errors: FieldProps["errors"], hint: ReactNode, describedBy?: string) {
  const fallbackId = useId();
  const controlId = id ?? fallbackId;
  const list = errors == null ? [] : typeof errors === "string" ? [errors] : errors.filter(Boolean);
  const errorId = list.length ? `${controlId}-error` : undefined;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const ariaDescribedBy = [hintId, errorId, describedBy].filter(Boolean).join(" ") || undefined;
  const invalid = list.length > 0;
  return {
    controlId,
    errorId,
    hintId,
    list,
    invalid,
    control: { id: controlId, "aria-invalid": invalid || undefined, "aria-describedby": ariaDescribedBy },
  };
}

/** The label above a control, and its hint and error messages below it. */
function Field({
  label,
  hint,
  field,
  className,
  children,
}: {
  label: ReactNode;
  hint: ReactNode;
  field: ReturnType<typeof useField>;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={cx("space-y-1.5", className)}>
      <label htmlFor={field.controlId} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {hint ? (
        <p id={field.hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {field.list.length ? (
        <div id={field.errorId} className="space-y-0.5">
          {field.list.map((message) => (
            <p key={message} className="flex items-start gap-1.5 text-sm text-red-700">
              <svg aria-hidden="true" viewBox="0 0 16 16" className="mt-0.5 size-3.5 shrink-0" fill="currentColor">
                <path d="M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1Zm0 3.25a.75.75 0 0 1 .75.75v3.5a.75.75 0 0 1-1.5 0V5A.75.75 0 0 1 8 4.25Zm0 7.5a1 1 0 1 1 0-2 1 1 0 0 1 0 2Z" />
              </svg>
              <span>{message}</span>
            </p>
          ))}
        </div>
      ) : null}
    </div>
  );
}

export type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "className"> &
  FieldProps & { inputClassName?: string };

/** A labelled input; `errors` are announced through aria-invalid and aria-describedby. */
export const Input = forwardRef<HTMLInputElement, InputProps>(function Input(
  { label, errors, hint, className, inputClassName, id, "aria-describedby": describedBy, ...props },
  ref,
) {
  const field = useField(id, errors, hint, describedBy);
  return (
    <Field label={label} hint={hint} field={field} className={className}>
      <input ref={ref} {...field.control} className={controlClasses(field.invalid, cx("h-10", inputClassName))} {...props} />
    </Field>
  );
});

export type TextareaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "className"> &
  FieldProps & { textareaClassName?: string };

export const Textarea = forwardRef<HTMLTextAreaElement, TextareaProps>(function Textarea(
  { label, errors, hint, className, textareaClassName, id, "aria-describedby": describedBy, ...props },
  ref,
) {
  const field = useField(id, errors, hint, describedBy);
  return (
    <Field label={label} hint={hint} field={field} className={className}>
      <textarea ref={ref} {...field.control} className={controlClasses(field.invalid, cx("min-h-24 py-2", textareaClassName))} {...props} />
    </Field>
  );
});

export type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "className"> &
  FieldProps & { selectClassName?: string };

export const Select = forwardRef<HTMLSelectElement, SelectProps>(function Select(
  { label, errors, hint, className, selectClassName, id, "aria-describedby": describedBy, children, ...props },
  ref,
) {
  const field = useField(id, errors, hint, describedBy);
  return (
    <Field label={label} hint={hint} field={field} className={className}>
      <select ref={ref} {...field.control} className={controlClasses(field.invalid, cx("h-10 pr-8", selectClassName))} {...props}>
        {children}
      </select>
    </Field>
  );
});

export function FormError({ children, id, className }: { children?: ReactNode; id?: string; className?: string }) {
  if (!children) return null;
  return (
    <div
      id={id}
      role="alert"
      className={cx("rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800", className)}
    >
      {children}
    </div>
  );
}

/**
 * A live region that is always in the page, so the success message that appears in it is announced.
 * Renders the message only when there is one.
 */
export function SuccessNotice({ children, className }: { children?: ReactNode; className?: string }) {
  return (
    <div role="status">
      {children ? (
        <p className={cx(className, "rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800")}>{children}</p>
      ) : null}
    </div>
  );
}

// ---------- Layout pieces ----------

export function Card({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return <div className={cx("rounded-xl border border-slate-200 bg-white shadow-xs", className)} {...props} />;
}

export function PageHeader({
  title,
  description,
  actions,
  className,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  className?: string;
}) {
  return (
    <div className={cx("mb-8 flex flex-wrap items-end justify-between gap-4", className)}>
      <div className="min-w-0 space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight text-balance text-slate-900">{title}</h1>
        {description ? <p className="max-w-2xl text-sm text-pretty text-slate-600">{description}</p> : null}
      </div>
      {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
    </div>
  );
}

function DefaultEmptyIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="size-6" fill="none" stroke="currentColor" strokeWidth={1.5}>
      <path
        strokeLinecap="round"
        strokeLinejoin="round"
        d="M2.25 13.5h3.86a2.25 2.25 0 0 1 2.012 1.244l.256.512a2.25 2.25 0 0 0 2.013 1.244h3.218a2.25 2.25 0 0 0 2.013-1.244l.256-.512a2.25 2.25 0 0 1 2.013-1.244h3.859M2.25 13.5V18a2.25 2.25 0 0 0 2.25 2.25h15A2.25 2.25 0 0 0 21.75 18v-4.5M2.25 13.5l2.41-7.23A2.25 2.25 0 0 1 6.795 4.5h10.41a2.25 2.25 0 0 1 2.135 1.77l2.41 7.23"
      />
    </svg>
  );
}

export function EmptyState({
  title,
  description,
  icon,
  action,
  headingLevel = 2,
  className,
}: {
  title: ReactNode;
  description?: ReactNode;
  icon?: ReactNode;
  action?: ReactNode;
  headingLevel?: 2 | 3;
  className?: string;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <div
      className={cx(
        "flex flex-col items-center rounded-xl border border-dashed border-slate-300 bg-white px-6 py-14 text-center",
        className,
      )}
    >
      <div className="mb-4 flex size-12 items-center justify-center rounded-full bg-brand-50 text-brand-600">
        {icon ?? <DefaultEmptyIcon />}
      </div>
      <Heading className="text-base font-semibold text-slate-900">{title}</Heading>
      {description ? <p className="mt-1 max-w-md text-sm text-pretty text-slate-600">{description}</p> : null}
      {action ? <div className="mt-6">{action}</div> : null}
    </div>
  );
}

/** A titled section listing rows (`ListRow`s) in one bordered box, or an empty state when there are none. */
export function ListSection({
  id,
  heading,
  headingClassName,
  empty,
  children,
}: {
  /** The heading's id, which labels the section. */
  id: string;
  heading: ReactNode;
  headingClassName?: string;
  /** Shown instead of the list, when set. */
  empty?: { title: ReactNode; description: ReactNode } | null;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="space-y-3">
      <h2 id={id} className={cx(headingClassName, "text-base font-semibold text-slate-900")}>
        {heading}
      </h2>
      {empty ? (
        <EmptyState title={empty.title} description={empty.description} headingLevel={3} />
      ) : (
        <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white">{children}</ul>
      )}
    </section>
  );
}

export function ListRow({ children }: { children: ReactNode }) {
  return <li className="flex flex-wrap items-center gap-3 px-4 py-3">{children}</li>;
}

// Background and text pairs that keep at least 4.5:1 contrast for white initials.
const AVATAR_COLOURS = [
  "bg-sky-700",
  "bg-emerald-700",
  "bg-violet-700",
  "bg-rose-700",
  "bg-amber-700",
  "bg-teal-700",
  "bg-indigo-700",
  "bg-fuchsia-700",
  "bg-cyan-800",
  "bg-slate-600",
] as const;

/** A stable colour for an id (FNV-1a over its characters): the same person, the same colour everywhere. */
export function avatarColour(id: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return AVATAR_COLOURS[h % AVATAR_COLOURS.length];
}

/** Up to two initials: first and last word ("Chloé Bernard" → "CB"); letters only, any script. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter((w) => /\p{L}/u.test(w));
  if (words.length === 0) return "?";
  const first = (w: string) => (w.match(/\p{L}/u)?.[0] ?? "").toLocaleUpperCase();
  return words.length === 1 ? first(words[0]) : first(words[0]) + first(words[words.length - 1]);
}

/** Generated initials on a colour from the user id; decorative beside the name it accompanies. */
export function Avatar({ id, name, size = "md", className }: { id: string; name: string; size?: "sm" | "md" | "lg"; className?: string }) {
  return (
    <span
      aria-hidden="true"
      className={cx(
        "inline-flex shrink-0 select-none items-center justify-center rounded-full font-semibold text-white",
        avatarColour(id),
        size === "sm" ? "size-7 text-[11px]" : size === "lg" ? "size-16 text-xl" : "size-9 text-sm",
        className,
      )}
    >
      {initials(name)}
    </span>
  );
}
