#!/usr/bin/env python3
"""Writes the seed corpus (fuzz/corpus/<target>/seed-*) from real examples:
the example configuration, the CSVs, phone numbers, directory answers and
request bodies the tests use. Run from fuzz/; the fuzzers grow the corpus
from these, and `cargo fuzz cmin` keeps it small."""
import hashlib, os, re, sys

def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join("corpus", target)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

# config: the documented example, and a few small files.
example = open("../packaging/passdesk.example.toml", encoding="utf-8").read()
put("config", example)
put("config", "")
put("config", '[server]\nlisten = "127.0.0.1:8080"\n')
put("config", '[directories.corp]\nkind = "active_directory"\nurls = ["ldaps://dc1.example.org"]\n'
              'bind_dn = "CN=svc,DC=example,DC=org"\nbind_password = "x"\nscope = ["DC=example,DC=org"]\n')
put("config", '[password]\nmin_length = 12\n\0SERVER__LISTEN="0.0.0.0:443"\nPASSWORD__MIN_LENGTH=14\n')
put("config", "[server\nlisten = 1\n")

# import_csv: the files the import tests read.
header = "login,email,alt_email,mobile,office_phone"
put("import_csv", "\ufeffLogin, Email ,alt_email,mobile,office_phone,directory\r\n"
                  "ann,ann@example.org,,\"+31 6 1234 5678\",,\r\nbob,,bob@private.example,06-87654321,020 123 4567,lab\r\n")
put("import_csv", header + ",directory\nann,ann@example.org,,,,\nbob,not-an-address,,,,\ncid,,,12ab,,\n"
                  "ANN,,ann2@example.org,,,\ndee,,,,,\neve,eve@example.org,,,,nowhere\n"
                  "fay,\"fay@example.org, gus@example.org\",,,,\ngus,gus@example.org\n"
                  "hal,hal@example.org,HAL@example.org,,,\n,x@example.org,,,,\n")
put("import_csv", "login;email;alt_email;mobile;office_phone\nann;ann@example.org;;;\n")
put("import_csv", header + "\nann,ann@example.org,,+44 20 7946 0958,0031 20 123 4567\n")

# phone: spellings from the phone and import tests.
for n in ["+31 6 1234 5678", "0031-6-12345678", "+31 (6) 1234.5678", "31\n06 1234 5678",
          "＋３１６１２３４５６７８", "  ", "+31 6 CALL ME", "+31 6", "+1234567890123456", "12345678",
          "44\n020 7946 0958", "+1 (555) 010-0199", "1\n0 555\u00a0010 0199"]:
    put("phone", n)

# ldap: a base selector byte, then a user ID, search text or DN.
for i, t in enumerate(["alice", "*", "a)(uid=*", "x\0y\\", "Ann O'Neil (Sales)", "  bob  ",
                       "CN=Alice,OU=Staff,DC=example,DC=test", "cn=alice, ou=staff, dc=example, dc=test",
                       "CN=Dave,CN=Users,DC=example,DC=test", "uid=ann,ou=people,dc=example,dc=org",
                       "cn=Smith\\, John,dc=example,dc=org", "cn=x\\2C,dc=org"]):
    put("ldap", bytes([i % 3]) + t.encode())

# directory_errors: an LDAP result code byte, then a text or control value.
texts = [
    (19, "0000052D: Constraint violation - check_password_restrictions: the password is too short. It should be equal or longer than 7 characters!"),
    (19, "0000052D: Constraint violation - check_password_restrictions: the password was already used (in history)!"),
    (19, "0000052D: Constraint violation - check_password_restrictions: the password does not meet the complexity criteria!"),
    (19, "0000052D: AtrErr: DSID-03191083, #1:\n\t0: 0000052D: DSID-03191083, problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 9005a (unicodePwd)"),
    (19, "00000056: Constraint violation - check_password_restrictions: The old password specified doesn't match!"),
    (50, "00002098: Object CN=x,DC=test has no write property access\n"),
    (0, "00000000: Success"),
    (49, "80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 52e, v1db1"),
    (49, "80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 775, v1db1"),
    (49, "80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 773, v1db1"),
    (19, "Password is in history of old passwords"),
    (19, "Password fails quality checking policy"),
    (53, "unwilling to verify old password"),
    (32, "No such object"),
]
for rc, t in texts:
    put("directory_errors", bytes([rc]) + t.encode())
for v in [[0x30, 0x03, 0x81, 0x01, 0x06], [0x30, 0x07, 0xA0, 0x02, 0x80, 0x00, 0x81, 0x01, 0x01],
          [0x30, 0x09, 0xA0, 0x04, 0x80, 0x02, 0x00, 0x64, 0x81, 0x01, 0x01], [0x30, 0x06, 0xA0, 0x04, 0x80, 0x02, 0x00, 0x64],
          [0x30, 0x81, 0x03, 0x81, 0x01, 0x08]]:
    put("directory_errors", bytes([19] + v))

# bodies: a decoder selector byte, then a body. The selector is taken
# modulo the number of decoders + 1 (passdesk::http::fuzz::decoders: 16 of
# the API, 0-15, then 17 of the portal and 20 of the admin pages; 53 is the
# branding form's multipart reader); each body is seeded at every index of
# its kind and the fuzzer keeps the ones that reach new code.
json_bodies = [
    '{"user":"alice"}', '{"user":"alice","captcha":{"challenge":"c","solution":"42"}}', '{"link":"abc"}',
    '{"method":"email","confirm":"a***@example.org"}', '{"method":"email","code":"123456"}',
    '{"method":"questions","answers":{"1":"blue"}}',
    '{"method":"passkey","credential":{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}}',
    '{"new_password":"correct horse battery staple"}', '{"flow":"f","password":"p"}',
    '{"user":"alice","old_password":"a","new_password":"b"}', '{"user":"alice","password":"x"}',
    '{"kind":"mobile","value":"+31612345678"}', '{"code":"123456"}',
    '{"answers":[{"question":"q","answer":"a"}]}',
    '{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"AA"}}',
    '{"email":"a@example.org","alt_email":null,"mobile":"+31612345678","office_phone":null,"directory":"corp","overwrite_verified":true}',
    '{"via":"email"}', '{"user":1}', '[]', '{"user":"alice","extra":true}',
]
forms = ["csrf=abc&user=alice", "csrf=abc&user=alice&password=secret&next=%2Fadmin",
         "csrf=abc&method=email&confirm=x", "csrf=abc&code=123456", "csrf=abc&new_password=a&confirm_password=a",
         "csrf=abc&kind=mobile&value=%2B31612345678", "csrf=abc&credential=%7B%7D", "question=1&answer=blue&question=2&answer=red",
         "csrf=abc&id=7&action=unlock", "csrf=abc&name=ci&expires_days=30", "next=%2Fadmin%2Fusers", "done=saved",
         "q=ann&page=2", "from=2026-11-01&to=2026-11-26&event=31001", "period=30d", "status=failed", "kind=mobile"]
multipart = ("--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n"
             "--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nExample\r\n"
             "--B\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"logo.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n"
             "--B--\r\n")
for b in json_bodies:
    for i in range(16):
        put("bodies", bytes([i]) + b.encode())
for b in forms:
    for i in range(14, 53):
        put("bodies", bytes([i]) + b.encode())
put("bodies", bytes([53]) + multipart.encode())
put("bodies", bytes([53]) + b"multipart/form-data; boundary=\"B\"\n" + multipart.encode())
