import { Form, Link, NavLink, useLocation, useSearchParams } from "@remix-run/react";
import { LanguageSwitch } from "./language-switch";
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from "react";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n";
import { SearchSuggestInput } from "./search-suggest";
import { cx } from "./ui";
import { Icon } from "./icons";

/** What the shell needs to know about the viewer; the root loader sends no more than this. */
export type ShellUser = {
  id: string;
  name: string;
  email: string;
  orgName: string;
  /** account-menu links the policy offers this person (computed on the server) */
  menu: ReadonlyArray<{ to: string; label: MessageKey }>;
  /** the spaces the person belongs to, for the left rail on wide screens */
  spaces: ReadonlyArray<{ slug: string; name: string }>;
};

const NAV_ITEMS: ReadonlyArray<{ to: string; label: MessageKey; end?: boolean }> = [
  { to: "/", label: "nav.feed", end: true },
  { to: "/questions", label: "nav.questions" },
  { to: "/experts", label: "nav.experts" },
  { to: "/best-practices", label: "nav.bestPractices" },
  { to: "/spaces", label: "nav.spaces" },
];

export function AppShell({
  user,
  unread = 0,
  showAccount = true,
  children,
}: {
  user: ShellUser | null;
  /** Unread notifications, shown on the bell. */
  unread?: number;
  /** False when the viewer is unknown (the root loader failed): show neither account menu nor "Sign in". */
  showAccount?: boolean;
  children: ReactNode;
}) {
  const { t } = useT();
  const mobileNav = useDisclosure();
  const mobileNavId = useId();

  return (
    <div className="flex min-h-dvh flex-col">
      <a
        href="#main"
        className="sr-only z-50 rounded-lg bg-white px-4 py-2 text-sm font-medium text-brand-700 shadow-lg focus:not-sr-only focus:fixed focus:top-3 focus:left-3"
      >
        {t("shell.skipToContent")}
      </a>

      <header className="sticky top-0 z-40 border-b border-slate-200 bg-white/90 backdrop-blur supports-[backdrop-filter]:bg-white/75">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2.5 sm:px-6 xl:max-w-7xl xl:flex-nowrap">
          {user ? (
            <button
              ref={mobileNav.buttonRef}
              type="button"
              className="-ml-1.5 inline-flex size-9 items-center justify-center rounded-lg text-slate-600 hover:bg-slate-100 hover:text-slate-900 md:hidden"
              aria-expanded={mobileNav.open}
              aria-controls={mobileNav.open ? mobileNavId : undefined}
              onClick={mobileNav.toggle}
            >
              <span className="sr-only">{mobileNav.open ? t("shell.closeMenu") : t("shell.openMenu")}</span>
              {mobileNav.open ? <CloseIcon /> : <MenuIcon />}
            </button>
          ) : null}

          <Wordmark />

          {user ? (
            <nav aria-label={t("shell.primaryNav")} className="hidden md:block">
              <ul className="flex items-center gap-1">
                {NAV_ITEMS.map((item) => (
                  <li key={item.to}>
                    <NavLink to={item.to} end={item.end} prefetch="intent" className={desktopNavClass}>
                      {t(item.label)}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}

          {user ? <SearchBox className="order-last w-full sm:order-none sm:ml-auto sm:w-auto" /> : null}

          <div className={cx("ml-auto flex items-center gap-2", user && "sm:ml-0")}>
            {showAccount && user ? <NotificationBell unread={unread} /> : null}
            {showAccount ? (
              user ? (
                <UserMenu user={user} />
              ) : (
                <Link
                  to="/login"
                  className="inline-flex h-9 items-center rounded-lg px-3 text-sm font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900"
                >
                  {t("user.signIn")}
                </Link>
              )
            ) : null}
          </div>
        </div>

        {/* Panels opened by a button exist only while open: closed, they would be markup rendered on
            every page that nobody can reach (the buttons need JavaScript). */}
        {user && mobileNav.open ? (
          <div ref={mobileNav.panelRef} id={mobileNavId} className="border-t border-slate-200 bg-white md:hidden">
            <nav aria-label={t("shell.primaryNav")} className="mx-auto max-w-6xl px-2 py-2 sm:px-4">
              <ul className="flex flex-col">
                {NAV_ITEMS.map((item) => (
                  <li key={item.to}>
                    <NavLink to={item.to} end={item.end} className={mobileNavClass}>
                      {t(item.label)}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        ) : null}
      </header>

      <div className="flex w-full flex-1">
        {user ? <SpacesRail spaces={user.spaces} /> : null}
        <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl min-w-0 flex-1 px-4 py-8 sm:px-6 sm:py-10">
          {children}
        </main>
      </div>
    </div>
  );
}

/** The person's spaces beside the page on wide screens (Viva Engage's left rail); hidden below 1280 px. */
function SpacesRail({ spaces }: { spaces: ShellUser["spaces"] }) {
  const { t } = useT();
  return (
    <nav aria-label={t("spaces.rail.label")} className="hidden w-60 shrink-0 border-r border-slate-200 px-3 py-8 xl:block">
      <div className="sticky top-20">
        <p className="px-2 text-xs font-semibold tracking-wide text-slate-600 uppercase">{t("spaces.rail.label")}</p>
        <ul className="mt-2 space-y-0.5">
          {spaces.map((s) => (
            <li key={s.slug}>
              <NavLink
                to={`/spaces/${s.slug}`}
                prefetch="intent"
                className={({ isActive }) =>
                  cx(
                    "flex items-center gap-2 truncate rounded-md px-2 py-1.5 text-sm",
                    isActive ? "bg-brand-50 font-medium text-brand-800" : "text-slate-700 hover:bg-slate-100 hover:text-slate-900",
                  )
                }
              >
                <Icon name="hash" className="size-3.5 shrink-0 text-slate-400" />
                <span className="truncate">{s.name}</span>
              </NavLink>
            </li>
          ))}
        </ul>
        <Link to="/spaces" className="mt-3 block rounded-md px-2 py-1.5 text-sm font-medium text-brand-700 hover:bg-slate-100">
          {t("spaces.rail.all")}
        </Link>
      </div>
    </nav>
  );
}

function Wordmark() {
  const { t } = useT();
  return (
    <Link
      to="/"
      aria-label={t("shell.home")}
      className="flex items-center gap-2 rounded-md text-slate-900 md:mr-2"
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" className="size-7">
        <rect width="24" height="24" rx="6" className="fill-brand-600" />
        <path
          d="M6.5 17.5V11a5.5 5.5 0 0 1 11 0v6.5"
          fill="none"
          stroke="white"
          strokeWidth="1.8"
          strokeLinecap="round"
        />
        <path d="M10 17.5v-5a2 2 0 0 1 4 0v5" fill="none" stroke="white" strokeWidth="1.8" strokeLinecap="round" />
      </svg>
      <span aria-hidden="true" className="text-base font-semibold tracking-tight">
        {t("app.name")}
      </span>
    </Link>
  );
}

function desktopNavClass({ isActive }: { isActive: boolean }) {
  return cx(
    "inline-flex h-9 items-center rounded-lg px-2.5 text-sm font-medium whitespace-nowrap transition-colors",
    isActive ? "bg-brand-50 text-brand-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900",
  );
}

function mobileNavClass({ isActive }: { isActive: boolean }) {
  return cx(
    "flex h-11 items-center rounded-lg px-3 text-base font-medium",
    isActive ? "bg-brand-50 text-brand-700" : "text-slate-700 hover:bg-slate-100",
  );
}

// ---------- Search ----------

function SearchBox({ className }: { className?: string }) {
  const { t } = useT();
  const location = useLocation();
  const [searchParams] = useSearchParams();
  const inputRef = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const current = location.pathname === "/search" ? (searchParams.get("q") ?? "") : "";

  // "/" focuses search from anywhere except while typing in a field.
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.key !== "/" || event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      const input = inputRef.current;
      if (!input) return;
      event.preventDefault();
      input.focus();
      input.select();
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);

  return (
    <Form method="get" action="/search" role="search" className={className}>
      <label htmlFor={inputId} className="sr-only">
        {t("search.label")}
      </label>
      <div className="relative">
        <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-slate-400" />
        <SearchSuggestInput
          key={current}
          ref={inputRef}
          id={inputId}
          type="search"
          name="q"
          defaultValue={current}
          placeholder={t("search.placeholder")}
          aria-keyshortcuts="/"
          title={t("search.shortcutHint")}
          autoComplete="off"
          maxLength={200}
          className="peer h-9 w-full rounded-lg border border-slate-200 bg-slate-50 pr-8 pl-8 text-sm text-slate-900 placeholder:text-slate-400 hover:border-slate-300 focus:bg-white sm:w-56 lg:w-64"
        />
        <kbd
          aria-hidden="true"
          className="pointer-events-none absolute top-1/2 right-2 hidden -translate-y-1/2 rounded border border-slate-200 bg-white px-1.5 font-sans text-[11px] leading-4 text-slate-500 sm:peer-placeholder-shown:block sm:peer-focus:hidden"
        >
          /
        </kbd>
      </div>
    </Form>
  );
}

// ---------- Notifications ----------

function NotificationBell({ unread }: { unread: number }) {
  const { t } = useT();
  const label = unread > 0 ? t("notifications.bellUnread", { count: unread }) : t("notifications.bell");
  return (
    <NavLink
      to="/notifications"
      aria-label={label}
      title={label}
      className={({ isActive }) =>
        cx(
          "relative inline-flex size-9 items-center justify-center rounded-lg",
          isActive ? "bg-brand-50 text-brand-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900",
        )
      }
    >
      <BellIcon className="size-5" />
      {unread > 0 ? (
        <span
          aria-hidden="true"
          className="absolute top-0.5 right-0.5 flex h-4 min-w-4 items-center justify-center rounded-full bg-red-600 px-1 text-[10px] leading-none font-semibold text-white"
        >
          {unread > 99 ? "99+" : unread}
        </span>
      ) : null}
    </NavLink>
  );
}

// ---------- User menu ----------

function UserMenu({ user }: { user: ShellUser }) {
  const { t } = useT();
  const menu = useDisclosure();
  const panelId = useId();
  const links = user.menu;

  return (
    <div className="relative">
      <button
        ref={menu.buttonRef}
        type="button"
        aria-expanded={menu.open}
        aria-controls={menu.open ? panelId : undefined}
        onClick={menu.toggle}
        className="flex h-9 items-center gap-2 rounded-lg pr-2 pl-1 text-sm font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900"
      >
        <span
          aria-hidden="true"
          className="flex size-7 items-center justify-center rounded-full bg-brand-100 text-xs font-semibold text-brand-800"
        >
          {initials(user.name)}
        </span>
        <span className="sr-only">{t("shell.accountMenu")}</span>
        <span className="hidden max-w-40 truncate lg:inline">{user.name}</span>
        <ChevronDownIcon className="size-4 text-slate-400" />
      </button>

      {menu.open ? (
        <div
          ref={menu.panelRef}
          id={panelId}
          className="absolute right-0 z-50 mt-2 w-64 origin-top-right rounded-xl border border-slate-200 bg-white p-1.5 shadow-lg"
        >
          <div className="border-b border-slate-100 px-3 pt-2 pb-3">
            <p className="truncate text-sm font-medium text-slate-900">{t("user.signedInAs", { name: user.name })}</p>
            <p className="truncate text-xs text-slate-500">{user.email}</p>
            <p className="truncate text-xs text-slate-500">{user.orgName}</p>
          </div>
          <nav aria-label={t("shell.accountLinks")}>
            <ul className="py-1">
              {links.map((link) => (
                <li key={link.to}>
                  <NavLink to={link.to} className={menuItemClass}>
                    {t(link.label)}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="border-t border-slate-100 pt-1">
            <LanguageSwitch />
            <Form method="post" action="/logout">
              <button type="submit" className={menuItemClass({ isActive: false })}>
                {t("user.signOut")}
              </button>
            </Form>
          </div>
        </div>
      ) : null}
    </div>
  );
}

function menuItemClass({ isActive }: { isActive: boolean }) {
  return cx(
    "flex w-full items-center rounded-lg px-3 py-2 text-left text-sm",
    isActive ? "bg-brand-50 font-medium text-brand-700" : "text-slate-700 hover:bg-slate-100 hover:text-slate-900",
  );
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((word) => Array.from(word)[0] ?? "").join("").toUpperCase() || "?";
}

// ---------- Disclosure behaviour ----------

/**
 * Open/close state for a button-controlled panel: Escape closes it and returns focus to
 * the button, a click outside closes it, and so does navigating to another page.
 */
function useDisclosure() {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const location = useLocation();

  const toggle = useCallback(() => setOpen((value) => !value), []);

  useEffect(() => {
    setOpen(false);
  }, [location.key]);

  useEffect(() => {
    if (!open) return;
    function onKeyDown(event: KeyboardEvent) {
      if (event.key !== "Escape") return;
      setOpen(false);
      buttonRef.current?.focus();
    }
    function onPointerDown(event: PointerEvent) {
      const target = event.target as Node | null;
      if (!target) return;
      if (buttonRef.current?.contains(target) || panelRef.current?.contains(target)) return;
      setOpen(false);
    }
    function onFocusIn(event: FocusEvent) {
      const target = event.target as Node | null;
      if (!target) return;
      if (buttonRef.current?.contains(target) || panelRef.current?.contains(target)) return;
      setOpen(false);
    }
    document.addEventListener("keydown", onKeyDown);
    document.addEventListener("pointerdown", onPointerDown);
    document.addEventListener("focusin", onFocusIn);
    return () => {
      document.removeEventListener("keydown", onKeyDown);
      document.removeEventListener("pointerdown", onPointerDown);
      document.removeEventListener("focusin", onFocusIn);
    };
  }, [open]);

  return { open, toggle, buttonRef, panelRef };
}

// ---------- Icons (decorative) ----------

function MenuIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5" fill="none" stroke="currentColor" strokeWidth={1.6}>
      <path strokeLinecap="round" d="M3.5 6h13M3.5 10h13M3.5 14h13" />
    </svg>
  );
}

function CloseIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5" fill="none" stroke="currentColor" strokeWidth={1.6}>
      <path strokeLinecap="round" d="M5 5l10 10M15 5L5 15" />
    </svg>
  );
}

function SearchIcon({ className }: { className?: string }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className={className} fill="none" stroke="currentColor" strokeWidth={1.6}>
      <circle cx="9" cy="9" r="5.5" />
      <path strokeLinecap="round" d="M13 13l3.5 3.5" />
    </svg>
  );
}

function BellIcon({ className }: { className?: string }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className={className} fill="none" stroke="currentColor" strokeWidth={1.6}>
      <path strokeLinecap="round" strokeLinejoin="round" d="M5 8a5 5 0 0 1 10 0c0 3.5 1.5 5 1.5 5h-13S5 11.5 5 8ZM8.5 16a1.5 1.5 0 0 0 3 0" />
    </svg>
  );
}

function ChevronDownIcon({ className }: { className?: string }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className={className} fill="none" stroke="currentColor" strokeWidth={1.6}>
      <path strokeLinecap="round" strokeLinejoin="round" d="M6 8l4 4 4-4" />
    </svg>
  );
}
