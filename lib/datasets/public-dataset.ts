// A dataset as the API shows it. Its `location` is a path on the server: shown only to a signed-in caller (a
// session or an API token) of a lab with authentication on, and only while it lies under a dataset root — an
// open lab or an anonymous caller learns nothing about the server's file system.
import { authenticate } from "../auth/session";
import { isUnderDatasetRoot } from "./dataset-roots";

type WithLocation = { location: string };

export function withoutLocation<T extends WithLocation>(dataset: T): Omit<T, "location"> {
  const { location: _serverPath, ...rest } = dataset;
  return rest;
}

export function publicDataset<T extends WithLocation>(dataset: T, headers: Headers): Omit<T, "location"> & { location?: string } {
  const auth = authenticate(headers);
  const signedIn = auth.ok && auth.via !== "open";
  return signedIn && isUnderDatasetRoot(dataset.location) ? dataset : withoutLocation(dataset);
}
