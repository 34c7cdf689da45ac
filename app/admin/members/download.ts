// The CSV export in the browser: App Bridge adds the session token to fetches of the
// app's own origin (a plain link would not carry it), so the file is fetched and handed
// to the browser as a download.

export async function downloadMembersCsv(search: string): Promise<void> {
  const response = await fetch(`/app/members/export${search}`);
  if (!response.ok) throw new Error(`The export answered ${response.status}`);
  const name =
    /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? "members.csv";
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
