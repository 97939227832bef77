-- CreateTable
CREATE TABLE "SettingsEpoch" (
    "id" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SettingsEpoch_pkey" PRIMARY KEY ("id")
);

-- The single epoch row the protocol caches validate against.
INSERT INTO "SettingsEpoch" ("id", "epoch") VALUES (1, 0);
