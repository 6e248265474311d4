// Usage: node check.mjs http://127.0.0.1:PORT
// Exits non-zero when the fake does not behave as AWS would for this client.
import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import {
  IVSRealTimeClient, CreateStageCommand, GetStageCommand, UpdateStageCommand,
  GetParticipantCommand, ListParticipantsCommand, CreateParticipantTokenCommand,
  DisconnectParticipantCommand,
  TagResourceCommand, UntagResourceCommand, ListTagsForResourceCommand,
  ImportPublicKeyCommand, GetPublicKeyCommand, ListPublicKeysCommand, DeletePublicKeyCommand,
  CreateIngestConfigurationCommand, GetIngestConfigurationCommand, ListIngestConfigurationsCommand,
  UpdateIngestConfigurationCommand, DeleteIngestConfigurationCommand,
  CreateEncoderConfigurationCommand, GetEncoderConfigurationCommand, ListEncoderConfigurationsCommand,
  DeleteEncoderConfigurationCommand, StartCompositionCommand, GetCompositionCommand, ListCompositionsCommand,
  StopCompositionCommand, StartParticipantReplicationCommand, StopParticipantReplicationCommand,
  ListParticipantReplicasCommand,
} from "@aws-sdk/client-ivs-realtime";

const url = process.argv[2];
const client = new IVSRealTimeClient({
  region: "us-east-1", endpoint: url, maxAttempts: 1,
  credentials: { accessKeyId: "AKIDJSCLIENT", secretAccessKey: "secret" },
});

const created = await client.send(new CreateStageCommand({
  name: "js-stage", tags: { team: "web" },
  participantTokenConfigurations: [{ userId: "alice", attributes: { seat: "1" } }, {}],
}));
assert.match(created.stage.arn, /^arn:aws:ivs:us-east-1:[0-9]+:stage\/[a-zA-Z0-9-]+$/);
// The defaults as AWS's CLI examples show them for a stage made without a
// recording configuration, the members added since 2024-06-20 included.
assert.deepEqual(created.stage.autoParticipantRecordingConfiguration, {
  storageConfigurationArn: "", mediaTypes: ["AUDIO_VIDEO"],
  thumbnailConfiguration: { targetIntervalSeconds: 60, storage: ["SEQUENTIAL"], recordingMode: "DISABLED" },
  recordingReconnectWindowSeconds: 0, hlsConfiguration: { targetSegmentDurationSeconds: 6 }, recordParticipantReplicas: true,
});
assert.equal(created.stage.endpoints.events, "wss://global.events.live-video.net");
assert.match(created.stage.endpoints.whip, /^https:\/\/[a-z0-9]+\.global-bm\.whip\.live-video\.net$/);
assert.match(created.stage.endpoints.rtmps, /^rtmps:\/\/[a-z0-9]+\.global-contribute\.live-video\.net:443\/app\/$/);
assert.equal(created.participantTokens.length, 2);
for (const t of created.participantTokens) {
  assert.equal(t.duration, 720);
  assert.deepEqual(t.capabilities, ["PUBLISH", "SUBSCRIBE"]);
  assert.ok(t.expirationTime instanceof Date && !isNaN(t.expirationTime));
}
assert.equal(created.participantTokens[0].userId, "alice");
assert.deepEqual(created.participantTokens[0].attributes, { seat: "1" });

const got = await client.send(new GetStageCommand({ arn: created.stage.arn }));
assert.equal(got.stage.name, "js-stage");
assert.deepEqual(got.stage.tags, { team: "web" });

// Tags: the tag operations and the stage's own tags are one and the same.
// UntagResource sends its keys as a repeated query parameter (tagKeys).
const stageArn = created.stage.arn;
await client.send(new TagResourceCommand({ resourceArn: stageArn, tags: { team: "mobile", env: "test", tier: "1" } }));
assert.deepEqual((await client.send(new GetStageCommand({ arn: stageArn }))).stage.tags, { team: "mobile", env: "test", tier: "1" });
assert.deepEqual((await client.send(new ListTagsForResourceCommand({ resourceArn: stageArn }))).tags, { team: "mobile", env: "test", tier: "1" });
await client.send(new UntagResourceCommand({ resourceArn: stageArn, tagKeys: ["env", "tier"] }));
assert.deepEqual((await client.send(new ListTagsForResourceCommand({ resourceArn: stageArn }))).tags, { team: "mobile" });
await client.send(new UntagResourceCommand({ resourceArn: stageArn, tagKeys: ["team"] }));
assert.deepEqual((await client.send(new ListTagsForResourceCommand({ resourceArn: stageArn }))).tags, {});
assert.deepEqual((await client.send(new GetStageCommand({ arn: stageArn }))).stage.tags, {});
await client.send(new TagResourceCommand({ resourceArn: stageArn, tags: { team: "web" } }));

const updated = await client.send(new UpdateStageCommand({
  arn: created.stage.arn,
  autoParticipantRecordingConfiguration: { storageConfigurationArn: "arn:aws:ivs:us-east-1:123456789012:storage-configuration/abc" },
}));
assert.equal(updated.stage.name, "js-stage");
assert.deepEqual(updated.stage.autoParticipantRecordingConfiguration.mediaTypes, ["AUDIO_VIDEO"]);

const join = await fetch(url + "/_ivsrt/join", {
  method: "POST", body: JSON.stringify({ token: created.participantTokens[0].token, osName: "Linux" }),
});
assert.equal(join.status, 200);
const joined = await join.json();
const p = await client.send(new GetParticipantCommand(joined));
assert.equal(p.participant.state, "CONNECTED");
assert.equal(p.participant.userId, "alice");
assert.equal(p.participant.osName, "Linux");
assert.ok(p.participant.firstJoinTime instanceof Date);

const listed = await client.send(new ListParticipantsCommand({ stageArn: joined.stageArn, sessionId: joined.sessionId, filterByState: "CONNECTED" }));
assert.deepEqual(listed.participants.map((x) => x.participantId), [joined.participantId]);

// One more token, CreateStage's defaults; its participant joins with its id,
// and DisconnectParticipant revokes it: the token no longer joins.
const more = await client.send(new CreateParticipantTokenCommand({ stageArn: created.stage.arn, userId: "carol" }));
assert.equal(more.participantToken.duration, 720);
assert.deepEqual(more.participantToken.capabilities, ["PUBLISH", "SUBSCRIBE"]);
const carolJoin = await fetch(url + "/_ivsrt/join", { method: "POST", body: JSON.stringify({ token: more.participantToken.token }) });
assert.equal(carolJoin.status, 200);
const carol = await carolJoin.json();
assert.equal(carol.participantId, more.participantToken.participantId);
await client.send(new DisconnectParticipantCommand({ stageArn: carol.stageArn, participantId: carol.participantId, reason: "moderated" }));
const gone = await client.send(new GetParticipantCommand(carol));
assert.equal(gone.participant.state, "DISCONNECTED");
const again = await fetch(url + "/_ivsrt/join", { method: "POST", body: JSON.stringify({ token: more.participantToken.token }) });
assert.equal(again.status, 403);
assert.equal(again.headers.get("x-amzn-errortype"), "AccessDeniedException");

// Typed errors: name, status and a message that names the member.
async function fails(command, name, status, text) {
  try {
    await client.send(command);
  } catch (e) {
    assert.equal(e.name, name, e.message);
    assert.equal(e.$metadata.httpStatusCode, status);
    if (text) assert.ok(e.message.includes(text), e.message);
    return;
  }
  assert.fail(`expected ${name}`);
}
await fails(new CreateStageCommand({ name: "bad name!" }), "ValidationException", 400, "at 'name'");
await fails(new CreateStageCommand({ participantTokenConfigurations: [{ duration: 0 }] }), "ValidationException", 400,
  "participantTokenConfigurations.1.member.duration");
await fails(new GetStageCommand({ arn: "arn:aws:ivs:us-east-1:123456789012:stage/missing" }), "ResourceNotFoundException", 404);
await fails(new GetStageCommand({ arn: "arn:aws:ivs:us-east-1:999999999999:stage/other" }), "AccessDeniedException", 403);
const missing = "arn:aws:ivs:us-east-1:123456789012:stage/missing";
await fails(new TagResourceCommand({ resourceArn: missing, tags: { k: "v" } }), "ResourceNotFoundException", 404);
await fails(new UntagResourceCommand({ resourceArn: missing, tagKeys: ["k"] }), "ResourceNotFoundException", 404);
await fails(new ListTagsForResourceCommand({ resourceArn: missing }), "ResourceNotFoundException", 404);
await fails(new ListParticipantsCommand({ stageArn: joined.stageArn, sessionId: joined.sessionId, filterByUserId: "x", filterByState: "CONNECTED" }),
  "ValidationException", 400);
await fails(new CreateParticipantTokenCommand({ stageArn: created.stage.arn, duration: 0 }), "ValidationException", 400, "at 'duration'");
await fails(new CreateParticipantTokenCommand({ stageArn: "arn:aws:ivs:us-east-1:123456789012:stage/missing" }), "ResourceNotFoundException", 404);
// Public keys and a token the application signs itself: node's crypto
// makes the P-384 key pair and the ES384 signature (r and s, 48 bytes
// each: JWS's form, "ieee-p1363" in node's words).
const keys = generateKeyPairSync("ec", { namedCurve: "P-384" });
const pemKey = keys.publicKey.export({ type: "spki", format: "pem" });
const imported = await client.send(new ImportPublicKeyCommand({ publicKeyMaterial: pemKey, name: "js-key", tags: { team: "web" } }));
assert.match(imported.publicKey.arn, /^arn:aws:ivs:us-east-1:[0-9]+:public-key\/[a-zA-Z0-9]+$/);
assert.equal(imported.publicKey.publicKeyMaterial, pemKey);
assert.match(imported.publicKey.fingerprint, /\S/);
assert.deepEqual((await client.send(new GetPublicKeyCommand({ arn: imported.publicKey.arn }))).publicKey, imported.publicKey);
assert.ok((await client.send(new ListPublicKeysCommand({}))).publicKeys.some((k) => k.arn === imported.publicKey.arn && k.name === "js-key"));
await fails(new ImportPublicKeyCommand({ publicKeyMaterial: pemKey }), "ConflictException", 409);
await fails(new ImportPublicKeyCommand({ publicKeyMaterial: "not a key" }), "ValidationException", 400);

const b64 = (v) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
function selfSigned(claims) {
  const input = b64({ alg: "ES384", typ: "JWT", kid: imported.publicKey.arn }) + "." + b64(claims);
  const sig = sign("sha384", Buffer.from(input), { key: keys.privateKey, dsaEncoding: "ieee-p1363" });
  return input + "." + sig.toString("base64url");
}
const now = Math.floor(Date.now() / 1000);
const claims = {
  exp: now + 3600, iat: now, jti: "jsSelfSigned1", resource: stageArn, user_id: "dana", attributes: { seat: "2" },
  capabilities: { allow_publish: true, allow_subscribe: true }, version: "1.0",
};
const signed = selfSigned(claims);
const tampered = signed.split(".");
tampered[1] = b64({ ...claims, user_id: "mallory" });
const refused = await fetch(url + "/_ivsrt/join", { method: "POST", body: JSON.stringify({ token: tampered.join(".") }) });
assert.equal(refused.status, 403);
assert.equal(refused.headers.get("x-amzn-errortype"), "AccessDeniedException");
const danaJoin = await fetch(url + "/_ivsrt/join", { method: "POST", body: JSON.stringify({ token: signed }) });
assert.equal(danaJoin.status, 200);
const dana = await danaJoin.json();
assert.equal(dana.participantId, "jsSelfSigned1");
const danaP = (await client.send(new GetParticipantCommand(dana))).participant;
assert.equal(danaP.userId, "dana");
assert.deepEqual(danaP.attributes, { seat: "2" });
await client.send(new DeletePublicKeyCommand({ arn: imported.publicKey.arn }));
await fails(new GetPublicKeyCommand({ arn: imported.publicKey.arn }), "ResourceNotFoundException", 404);
const afterDelete = await fetch(url + "/_ivsrt/join", { method: "POST", body: JSON.stringify({ token: selfSigned({ ...claims, jti: "jsSelfSigned2" }) }) });
assert.equal(afterDelete.status, 403);
// Ingest configurations: an RTMPS encoder (the control API stands in for
// it) publishes as the configuration's participant.
await fails(new CreateIngestConfigurationCommand({ ingestProtocol: "RTMP" }), "ValidationException", 400, "insecureIngest");
const ingest = (await client.send(new CreateIngestConfigurationCommand({
  ingestProtocol: "RTMPS", name: "js-encoder", userId: "encoder", attributes: { cam: "1" }, tags: { team: "web" },
}))).ingestConfiguration;
assert.match(ingest.arn, /^arn:aws:ivs:us-east-1:[0-9]+:ingest-configuration\/[a-zA-Z0-9]+$/);
assert.equal(ingest.stageArn, "");
assert.equal(ingest.state, "INACTIVE");
assert.match(ingest.streamKey, /^rt_/);
await client.send(new UpdateIngestConfigurationCommand({ arn: ingest.arn, stageArn }));
assert.deepEqual((await client.send(new ListIngestConfigurationsCommand({ filterByStageArn: stageArn }))).ingestConfigurations.map((c) => c.arn), [ingest.arn]);
const encoderJoin = await fetch(url + "/_ivsrt/ingest", { method: "POST", body: JSON.stringify({ streamKey: ingest.streamKey }) });
assert.equal(encoderJoin.status, 200);
const encoder = await encoderJoin.json();
assert.equal(encoder.participantId, ingest.participantId);
const encoderP = (await client.send(new GetParticipantCommand(encoder))).participant;
assert.equal(encoderP.protocol, "RTMPS");
assert.equal(encoderP.userId, "encoder");
assert.equal((await client.send(new GetIngestConfigurationCommand({ arn: ingest.arn }))).ingestConfiguration.state, "ACTIVE");
await fails(new DeleteIngestConfigurationCommand({ arn: ingest.arn }), "ConflictException", 409);
await client.send(new DeleteIngestConfigurationCommand({ arn: ingest.arn, force: true }));
assert.equal((await client.send(new GetParticipantCommand(encoder))).participant.state, "DISCONNECTED");
await fails(new GetIngestConfigurationCommand({ arn: ingest.arn }), "ResourceNotFoundException", 404);
// Encoder configurations and compositions: the documented defaults, a
// composition's states (the control API moves them past STARTING and
// STOPPING), and an encoder configuration in use refused deletion.
const encoderConf = (await client.send(new CreateEncoderConfigurationCommand({ name: "js-720p" }))).encoderConfiguration;
assert.match(encoderConf.arn, /^arn:aws:ivs:us-east-1:[0-9]+:encoder-configuration\/[a-zA-Z0-9]+$/);
assert.deepEqual(encoderConf.video, { width: 1280, height: 720, framerate: 30, bitrate: 2500000 });
assert.deepEqual((await client.send(new GetEncoderConfigurationCommand({ arn: encoderConf.arn }))).encoderConfiguration, encoderConf);
assert.ok((await client.send(new ListEncoderConfigurationsCommand({}))).encoderConfigurations.some((e) => e.arn === encoderConf.arn));
await fails(new CreateEncoderConfigurationCommand({ video: { width: 1281 } }), "ValidationException", 400);
const account = stageArn.split(":")[4];
const started = await client.send(new StartCompositionCommand({
  stageArn, idempotencyToken: "js-composition-1",
  destinations: [{ channel: { channelArn: `arn:aws:ivs:us-east-1:${account}:channel/abcdABCD1234`, encoderConfigurationArn: encoderConf.arn } }],
}));
const comp = started.composition;
assert.equal(comp.state, "STARTING");
assert.equal(comp.layout.grid.gridGap, 2);
const repeated = await client.send(new StartCompositionCommand({
  stageArn, idempotencyToken: "js-composition-1",
  destinations: [{ channel: { channelArn: `arn:aws:ivs:us-east-1:${account}:channel/abcdABCD1234`, encoderConfigurationArn: encoderConf.arn } }],
}));
assert.equal(repeated.composition.arn, comp.arn);
const moved = await fetch(url + "/_ivsrt/composition", { method: "POST", body: JSON.stringify({ arn: comp.arn, state: "ACTIVE" }) });
assert.equal(moved.status, 200);
assert.equal((await client.send(new GetCompositionCommand({ arn: comp.arn }))).composition.state, "ACTIVE");
assert.deepEqual((await client.send(new ListCompositionsCommand({ filterByEncoderConfigurationArn: encoderConf.arn }))).compositions.map((c) => c.arn), [comp.arn]);
await fails(new DeleteEncoderConfigurationCommand({ arn: encoderConf.arn }), "ConflictException", 409);
await client.send(new StopCompositionCommand({ arn: comp.arn }));
assert.equal((await client.send(new GetCompositionCommand({ arn: comp.arn }))).composition.state, "STOPPING");
await fetch(url + "/_ivsrt/composition", { method: "POST", body: JSON.stringify({ arn: comp.arn, state: "STOPPED" }) });
await client.send(new DeleteEncoderConfigurationCommand({ arn: encoderConf.arn }));
await fails(new GetEncoderConfigurationCommand({ arn: encoderConf.arn }), "ResourceNotFoundException", 404);
// Participant replication: a publishing participant of one stage shows in
// another as a replica; the answers carry their header-bound members.
const dest = (await client.send(new CreateStageCommand({ name: "js-destination" }))).stage.arn;
const pubTok = (await client.send(new CreateParticipantTokenCommand({ stageArn, userId: "replicated" }))).participantToken;
const pub = await (await fetch(url + "/_ivsrt/join", { method: "POST", body: JSON.stringify({ token: pubTok.token }) })).json();
assert.equal((await fetch(url + "/_ivsrt/publish", { method: "POST", body: JSON.stringify({ stageArn: pub.stageArn, participantId: pub.participantId }) })).status, 200);
const repl = await client.send(new StartParticipantReplicationCommand({
  sourceStageArn: stageArn, destinationStageArn: dest, participantId: pub.participantId, attributes: { from: "js" },
}));
// The header-bound members as AWS's start-participant-replication example shows them.
assert.equal(repl.accessControlAllowOrigin, "*");
assert.equal(repl.xFrameOptions, "DENY");
const replicas = (await client.send(new ListParticipantReplicasCommand({ sourceStageArn: stageArn, participantId: pub.participantId }))).replicas;
assert.equal(replicas.length, 1);
assert.equal(replicas[0].destinationStageArn, dest);
assert.equal(replicas[0].replicationState, "ACTIVE");
const replica = (await client.send(new GetParticipantCommand({ stageArn: dest, sessionId: replicas[0].destinationSessionId, participantId: pub.participantId }))).participant;
assert.equal(replica.replicationType, "REPLICA");
assert.equal(replica.sourceStageArn, stageArn);
assert.equal((await client.send(new GetParticipantCommand(pub))).participant.replicationType, "SOURCE");
await fails(new StartParticipantReplicationCommand({ sourceStageArn: stageArn, destinationStageArn: dest, participantId: pub.participantId }), "ConflictException", 409);
await client.send(new StopParticipantReplicationCommand({ sourceStageArn: stageArn, destinationStageArn: dest, participantId: pub.participantId }));
assert.deepEqual((await client.send(new ListParticipantReplicasCommand({ sourceStageArn: stageArn, participantId: pub.participantId }))).replicas.map((r) => r.replicationState), ["STOPPED"]);
await fails(new StopParticipantReplicationCommand({ sourceStageArn: stageArn, destinationStageArn: dest, participantId: pub.participantId }), "ResourceNotFoundException", 404);
console.log("javascript sdk: ok");
