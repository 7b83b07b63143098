import { Form } from "@remix-run/react";
import { Button, type ButtonProps } from "~/components/ui";

/**
 * A form of one small button that posts `fields` as hidden inputs, e.g. a row's Remove or Retry.
 * With `confirm`, the browser asks that question first and nothing is sent unless the user agrees.
 */
export function PostButton({
  fields,
  confirm,
  children,
  ...button
}: Omit<ButtonProps, "type"> & { fields: Record<string, string | number>; confirm?: string }) {
  return (
    <Form
      method="post"
      onSubmit={
        confirm
          ? (event) => {
              if (!window.confirm(confirm)) event.preventDefault();
            }
          : undefined
      }
    >
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Button type="submit" size="sm" {...button}>
        {children}
      </Button>
    </Form>
  );
}
