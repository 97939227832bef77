-- CreateTable
CREATE TABLE "SettingsEpoch" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "epoch" INTEGER NOT NULL DEFAULT 0
);

-- The single epoch row the protocol caches validate against.
INSERT INTO "SettingsEpoch" ("id", "epoch") VALUES (1, 0);
