import { safeNextPath } from "@/lib/auth/safe-next-path";
import { LoginForm } from "./login-form";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  // Only a path of this lab: anything else would make the login page an open redirect.
  return (
    <>
      <h1>Sign in</h1>
      <LoginForm next={safeNextPath(next)} />
    </>
  );
}
