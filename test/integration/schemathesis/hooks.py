"""schemathesis hooks for test/integration/schemathesis.test.ts (loaded through SCHEMATHESIS_HOOKS).

POST /v2/assets takes the file's bytes as the body, under the file's own media type. schemathesis
ships binary serializers for some of those types (image/png, image/jpeg, ...) but not for every one
ghee accepts: the rest reuse the same binary serializer, so those uploads are fuzzed too.
"""
import schemathesis

schemathesis.serializer.alias(
    ["application/pdf", "audio/mpeg", "audio/ogg", "image/avif", "video/mp4", "video/webm"],
    "application/octet-stream",
)
