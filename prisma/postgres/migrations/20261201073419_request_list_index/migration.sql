-- CreateIndex
CREATE INDEX "BackchannelRequest_tenantId_id_idx" ON "BackchannelRequest"("tenantId", "id");
