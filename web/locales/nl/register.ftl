# Words of the registration pages (security info, passkeys) and of the
# "this wasn't me" and reset-link pages.
