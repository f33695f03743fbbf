import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "Compression Lab",
  description: "Launch, watch, compare and download model-compression experiments as ONNX.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="top">
          <Link href="/" className="brand">Compression Lab</Link>
          <nav>
            <Link href="/">Runs</Link>
            <Link href="/experiments/new">New experiment</Link>
            <Link href="/models">Models</Link>
            <Link href="/api-reference">API</Link>
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
