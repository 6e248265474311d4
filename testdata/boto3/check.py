"""A third real client against an ivsrt fake: boto3 (botocore's model of
today's API) round-trips every member AWS added to stages, participants and
events after 2024-06-20; imports a public key whose private key signs a
participant token (the cryptography package makes and signs with it); and
drives ingest configurations, encoder configurations, compositions and
participant replication.

    python3 check.py http://127.0.0.1:PORT

The fake's control API (/_ivsrt/) makes participants join, exchange their
token and fail to publish, stands in for an RTMP encoder and moves a
composition's state. Exits 0 after printing "ok", else raises.
"""

import datetime
import json
import re
import sys
import urllib.error
import urllib.request

import base64
import time

import boto3
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

ENDPOINT = sys.argv[1].rstrip("/")
STORAGE = "arn:aws:ivs:us-east-1:123456789012:storage-configuration/AbCd1234"

client = boto3.client(
    "ivs-realtime",
    region_name="us-east-1",
    endpoint_url=ENDPOINT,
    aws_access_key_id="AKIDIVSRTBOTO3",
    aws_secret_access_key="ivsrt-boto3-secret",
)


def control(action, body):
    """POSTs body to the fake's control API and returns its JSON answer."""
    req = urllib.request.Request(
        ENDPOINT + "/_ivsrt/" + action,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read() or b"{}")


def refusal(action, body):
    """POSTs body to the control API, which must refuse it: (status, error type)."""
    try:
        control(action, body)
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("x-amzn-ErrorType")
    raise AssertionError(f"/_ivsrt/{action} took {body!r}")


def fails(call, name, **kwargs):
    """Calls call(**kwargs), which must raise the modeled error name."""
    try:
        call(**kwargs)
    except client.exceptions.ClientError as e:
        expect(f"{call.__name__} error", name, e.response["Error"]["Code"])
        return
    raise AssertionError(f"{call.__name__} succeeded; want {name}")


def expect(what, want, got):
    if want != got:
        raise AssertionError(f"{what}: want {want!r}, got {got!r}")


FULL = {
    "storageConfigurationArn": STORAGE,
    "mediaTypes": ["NONE"],
    "thumbnailConfiguration": {
        "targetIntervalSeconds": 5,
        "storage": ["SEQUENTIAL", "LATEST"],
        "recordingMode": "INTERVAL",
    },
    "recordingReconnectWindowSeconds": 300,
    "hlsConfiguration": {"targetSegmentDurationSeconds": 2},
    "recordParticipantReplicas": False,
}

DEFAULTS = {
    "mediaTypes": ["AUDIO_VIDEO"],
    "thumbnailConfiguration": {
        "targetIntervalSeconds": 60,
        "storage": ["SEQUENTIAL"],
        "recordingMode": "DISABLED",
    },
    "recordingReconnectWindowSeconds": 0,
    "hlsConfiguration": {"targetSegmentDurationSeconds": 6},
    "recordParticipantReplicas": True,
}

ENDPOINTS = re.compile(
    r"rtmp://([a-z0-9]{12})\.global-contribute\.live-video\.net/app/"
)

# Stages: every new member echoed, defaults, endpoints minted and kept.
created = client.create_stage(
    name="boto3",
    autoParticipantRecordingConfiguration=FULL,
    participantTokenConfigurations=[{"userId": "alice"}, {"userId": "bob"}],
)
stage = created["stage"]
arn = stage["arn"]
expect("create_stage's recording configuration", FULL, stage["autoParticipantRecordingConfiguration"])
endpoints = stage["endpoints"]
m = ENDPOINTS.fullmatch(endpoints["rtmp"])
if not m:
    raise AssertionError(f"rtmp endpoint {endpoints['rtmp']!r} is not in the documented form")
eid = m.group(1)
expect("endpoints", {
    "events": "wss://global.events.live-video.net",
    "whip": f"https://{eid}.global-bm.whip.live-video.net",
    "rtmp": f"rtmp://{eid}.global-contribute.live-video.net/app/",
    "rtmps": f"rtmps://{eid}.global-contribute.live-video.net:443/app/",
}, endpoints)

got = client.get_stage(arn=arn)["stage"]
expect("get_stage's recording configuration", FULL, got["autoParticipantRecordingConfiguration"])
expect("get_stage's endpoints", endpoints, got["endpoints"])

plain = client.create_stage(name="plain")["stage"]
expect("a stage without a recording configuration", dict(DEFAULTS, storageConfigurationArn=""),
       plain["autoParticipantRecordingConfiguration"])
if plain["endpoints"] == endpoints:
    raise AssertionError("two stages share their endpoints")

partial = {"storageConfigurationArn": STORAGE, "thumbnailConfiguration": {"recordingMode": "INTERVAL"}}
updated = client.update_stage(arn=arn, autoParticipantRecordingConfiguration=partial)["stage"]
want = dict(DEFAULTS, storageConfigurationArn=STORAGE,
            thumbnailConfiguration=dict(DEFAULTS["thumbnailConfiguration"], recordingMode="INTERVAL"))
expect("update_stage replaces the configuration whole", want, updated["autoParticipantRecordingConfiguration"])
expect("update_stage's endpoints", endpoints, updated["endpoints"])
reset = client.update_stage(arn=arn, autoParticipantRecordingConfiguration=dict(FULL, storageConfigurationArn=""))["stage"]
expect("update_stage resets every member", dict(DEFAULTS, storageConfigurationArn=""),
       reset["autoParticipantRecordingConfiguration"])
client.update_stage(arn=arn, autoParticipantRecordingConfiguration=FULL)

listed = {s["arn"]: s for s in client.list_stages()["stages"]}
expect("list_stages lists the stage", "boto3", listed[arn]["name"])

# Participants: joined as an SDK client and with WHIP.
alice_tok, bob_tok = created["participantTokens"]
alice = control("join", {"token": alice_tok["token"]})
bob = control("join", {"token": bob_tok["token"], "protocol": "WHIP"})
session = alice["sessionId"]
for who, protocol in ((alice, None), (bob, "WHIP")):
    p = client.get_participant(stageArn=arn, sessionId=session, participantId=who["participantId"])["participant"]
    expect("protocol", protocol, p.get("protocol"))
    expect("replicationType", "NONE", p.get("replicationType"))
    for absent in ("replicationState", "sourceStageArn", "sourceSessionId", "redundantIngest", "ingestConfigurationArn"):
        if absent in p:
            raise AssertionError(f"a participant that is not replicated reports {absent}={p[absent]!r}")
for s in client.list_participants(stageArn=arn, sessionId=session)["participants"]:
    expect("listed replicationType", "NONE", s.get("replicationType"))

# Events: a token exchange and a failed publish.
ref = {"stageArn": arn, "participantId": alice["participantId"]}
control("publish", ref)
new = control("exchange-token", dict(ref, userId="alice-viewer", attributes={"role": "viewer"},
                                     capabilities=["SUBSCRIBE"], duration=60))["participantToken"]
bob_ref = {"stageArn": arn, "participantId": bob["participantId"]}
control("publish", dict(bob_ref, errorCode="BITRATE_EXCEEDED"))

events = client.list_participant_events(stageArn=arn, sessionId=session, participantId=alice["participantId"])["events"]
expect("alice's events, newest first", ["PUBLISH_STOPPED", "TOKEN_EXCHANGED", "PUBLISH_STARTED", "JOINED"],
       [e["name"] for e in events])
for e in events:
    expect(f"{e['name']} replica", False, e.get("replica"))
x = events[1]
expect("previousToken", {
    "userId": "alice",
    "capabilities": ["PUBLISH", "SUBSCRIBE"],
    "expirationTime": alice_tok["expirationTime"],
}, x["previousToken"])
expect("newToken", {
    "userId": "alice-viewer",
    "attributes": {"role": "viewer"},
    "capabilities": ["SUBSCRIBE"],
    "expirationTime": datetime.datetime.fromisoformat(new["expirationTime"].replace("Z", "+00:00")),
}, x["newToken"])
p = client.get_participant(stageArn=arn, sessionId=session, participantId=alice["participantId"])["participant"]
expect("the participant takes the new token", ("alice-viewer", {"role": "viewer"}, "STOPPING"),
       (p["userId"], p["attributes"], p["recordingState"]))

bob_events = client.list_participant_events(stageArn=arn, sessionId=session, participantId=bob["participantId"])["events"]
expect("bob's failed publish", [("PUBLISH_ERROR", "BITRATE_EXCEEDED"), ("JOINED", None)],
       [(e["name"], e.get("errorCode")) for e in bob_events])

# Public keys, and a participant token signed with the private key (JWT,
# ES384: r and s as 48 bytes each, base64url, no padding).
key = ec.generate_private_key(ec.SECP384R1())
pem = key.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
pk = client.import_public_key(publicKeyMaterial=pem, name="boto3-key", tags={"team": "py"})["publicKey"]
if not re.fullmatch(r"arn:aws:ivs:us-east-1:[0-9]{12}:public-key/[a-zA-Z0-9]+", pk["arn"]):
    raise AssertionError(f"public key ARN {pk['arn']!r}")
expect("the imported key's material", pem, pk["publicKeyMaterial"])
expect("GetPublicKey", pk, client.get_public_key(arn=pk["arn"])["publicKey"])
expect("ListPublicKeys", [("boto3-key", {"team": "py"})],
       [(k.get("name"), k.get("tags")) for k in client.list_public_keys()["publicKeys"] if k["arn"] == pk["arn"]])
fails(client.import_public_key, "ConflictException", publicKeyMaterial=pem)
fails(client.import_public_key, "ValidationException", publicKeyMaterial="not a key")


def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def self_signed(claims):
    head = b64(json.dumps({"alg": "ES384", "typ": "JWT", "kid": pk["arn"]}).encode())
    signing_input = head + "." + b64(json.dumps(claims).encode())
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA384())))
    return signing_input + "." + b64(r.to_bytes(48, "big") + s.to_bytes(48, "big"))


claims = {"exp": int(time.time()) + 3600, "iat": int(time.time()), "jti": "pySelfSigned1", "resource": arn,
          "user_id": "erin", "attributes": {"desk": "3"},
          "capabilities": {"allow_publish": True, "allow_subscribe": True}, "version": "1.0"}
token = self_signed(claims)
parts = token.split(".")
parts[1] = b64(json.dumps(dict(claims, user_id="mallory")).encode())
expect("a tampered token", (403, "AccessDeniedException"), refusal("join", {"token": ".".join(parts)}))
erin = control("join", {"token": token})
expect("the self-signed token's participant", "pySelfSigned1", erin["participantId"])
p = client.get_participant(stageArn=arn, sessionId=erin["sessionId"], participantId="pySelfSigned1")["participant"]
expect("its user id and attributes", ("erin", {"desk": "3"}), (p["userId"], p["attributes"]))
client.delete_public_key(arn=pk["arn"])
fails(client.get_public_key, "ResourceNotFoundException", arn=pk["arn"])
expect("a token of a deleted key", (403, "AccessDeniedException"),
       refusal("join", {"token": self_signed(dict(claims, jti="pySelfSigned2"))}))

# Ingest configurations: an RTMP encoder (the control API stands in for it)
# publishes as the configuration's participant.
fails(client.create_ingest_configuration, "ValidationException", ingestProtocol="RTMP")
ic = client.create_ingest_configuration(ingestProtocol="RTMP", insecureIngest=True, stageArn=arn, userId="encoder",
                                        attributes={"cam": "2"}, tags={"team": "py"})["ingestConfiguration"]
if not re.fullmatch(r"arn:aws:ivs:us-east-1:[0-9]{12}:ingest-configuration/[a-zA-Z0-9]+", ic["arn"]):
    raise AssertionError(f"ingest configuration ARN {ic['arn']!r}")
expect("a new configuration", ("INACTIVE", "RTMP", arn), (ic["state"], ic["ingestProtocol"], ic["stageArn"]))
expect("listed by its stage", [ic["arn"]],
       [c["arn"] for c in client.list_ingest_configurations(filterByStageArn=arn)["ingestConfigurations"]])
enc = control("ingest", {"streamKey": ic["streamKey"]})
expect("the encoder's participant", ic["participantId"], enc["participantId"])
p = client.get_participant(stageArn=arn, sessionId=enc["sessionId"], participantId=enc["participantId"])["participant"]
expect("its protocol, configuration and user id", ("RTMP", ic["arn"], "encoder"),
       (p.get("protocol"), p.get("ingestConfigurationArn"), p.get("userId")))
expect("ACTIVE while publishing", "ACTIVE", client.get_ingest_configuration(arn=ic["arn"])["ingestConfiguration"]["state"])
fails(client.update_ingest_configuration, "ConflictException", arn=ic["arn"], stageArn="")
fails(client.delete_ingest_configuration, "ConflictException", arn=ic["arn"])
control("ingest", {"streamKey": ic["streamKey"], "stop": True})
expect("INACTIVE once stopped", "INACTIVE", client.get_ingest_configuration(arn=ic["arn"])["ingestConfiguration"]["state"])
client.update_ingest_configuration(arn=ic["arn"], stageArn="")
client.delete_ingest_configuration(arn=ic["arn"])
fails(client.get_ingest_configuration, "ResourceNotFoundException", arn=ic["arn"])

# Encoder configurations and compositions: an s3 destination records to a
# storage configuration, which, with the encoder configuration, may not be
# deleted while the composition runs.
ec = client.create_encoder_configuration(name="py-1080p", video={"width": 1920, "height": 1080})["encoderConfiguration"]
expect("the documented framerate and bitrate", (1920, 1080, 30, 2500000),
       (ec["video"]["width"], ec["video"]["height"], ec["video"]["framerate"], ec["video"]["bitrate"]))
fails(client.create_encoder_configuration, "ValidationException", video={"width": 1920, "height": 1920})
sc = client.create_storage_configuration(s3={"bucketName": "ivsrt-boto3-bucket"})["storageConfiguration"]
comp = client.start_composition(stageArn=arn, destinations=[{"s3": {
    "storageConfigurationArn": sc["arn"], "encoderConfigurationArns": [ec["arn"]]}}])["composition"]
expect("a new composition", ("STARTING", ["STARTING"]), (comp["state"], [d["state"] for d in comp["destinations"]]))
if not comp["destinations"][0]["detail"]["s3"]["recordingPrefix"].endswith("/composite"):
    raise AssertionError(f"recording prefix {comp['destinations'][0]['detail']['s3']['recordingPrefix']!r}")
expect("listed by its stage", [comp["arn"]], [c["arn"] for c in client.list_compositions(filterByStageArn=arn)["compositions"]])
fails(client.delete_storage_configuration, "ConflictException", arn=sc["arn"])
fails(client.delete_encoder_configuration, "ConflictException", arn=ec["arn"])
control("composition", {"arn": comp["arn"], "state": "FAILED"})
got = client.get_composition(arn=comp["arn"])["composition"]
expect("a failed composition", ("FAILED", ["FAILED"]), (got["state"], [d["state"] for d in got["destinations"]]))
if "endTime" not in got:
    raise AssertionError("a failed composition has no endTime")
account = arn.split(":")[4]
other = client.start_composition(stageArn=arn, destinations=[{"channel": {
    "channelArn": f"arn:aws:ivs:us-east-1:{account}:channel/abcdABCD1234"}}])["composition"]
client.stop_composition(arn=other["arn"])
expect("a stopped composition", "STOPPING", client.get_composition(arn=other["arn"])["composition"]["state"])
client.delete_encoder_configuration(arn=ec["arn"])
client.delete_storage_configuration(arn=sc["arn"])
fails(client.get_encoder_configuration, "ResourceNotFoundException", arn=ec["arn"])
expect("encoder configurations left", [], [e["arn"] for e in client.list_encoder_configurations()["encoderConfigurations"]])

# Participant replication: a publishing participant of one stage shows in
# another as a replica; the answers carry their header-bound members.
dest = client.create_stage(name="py-destination")["stage"]["arn"]
rtok = client.create_participant_token(stageArn=arn, userId="replicated")["participantToken"]
src = control("join", {"token": rtok["token"]})
control("publish", {"stageArn": src["stageArn"], "participantId": src["participantId"]})
started = client.start_participant_replication(sourceStageArn=arn, destinationStageArn=dest,
                                               participantId=src["participantId"], attributes={"from": "py"})
expect("the header-bound members, as AWS's example shows them", ("*", "DENY"),
       (started.get("accessControlAllowOrigin"), started.get("xFrameOptions")))
reps = client.list_participant_replicas(sourceStageArn=arn, participantId=src["participantId"])["replicas"]
expect("the replica listed", [(dest, "ACTIVE")], [(r["destinationStageArn"], r["replicationState"]) for r in reps])
rp = client.get_participant(stageArn=dest, sessionId=reps[0]["destinationSessionId"], participantId=src["participantId"])["participant"]
expect("the replica", ("REPLICA", arn, "ACTIVE"), (rp.get("replicationType"), rp.get("sourceStageArn"), rp.get("replicationState")))
expect("its attributes, the request's over the token's", "py", rp["attributes"].get("from"))
fails(client.start_participant_replication, "ConflictException", sourceStageArn=arn, destinationStageArn=dest,
      participantId=src["participantId"])
client.stop_participant_replication(sourceStageArn=arn, destinationStageArn=dest, participantId=src["participantId"])
expect("stopped", ["STOPPED"], [r["replicationState"] for r in
       client.list_participant_replicas(sourceStageArn=arn, participantId=src["participantId"])["replicas"]])

print("ok")
