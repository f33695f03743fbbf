import { LoginForm } from "./login-form";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  // Only same-site paths: an absolute URL here would make the login page an open redirect.
  const target = next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
  return (
    <>
      <h1>Sign in</h1>
      <LoginForm next={target} />
    </>
  );
}
