"""The texts of seed pages that earlier releases published, by hash, for the evolve steps
that bring a changed seed text to existing sites (``content.publish_seed_updates``).

Each hash is ``content.read_page_file``'s of the file as a release shipped it, which is
what ``Page.loaded_hashes`` holds for a page loaded from it.  A page whose language still
holds one of these, published by the loader and not edited since, is the shop's seed text
untouched: a new seed text may replace it.  Add the hash of the text being replaced
whenever a step publishes a new one.
"""

#: ``(page, lang)`` -> the hashes of every earlier seed text of that page in that language
#: (each with the commit that shipped it).
EARLIER = {
    ("privacy", "nl"): frozenset(
        {
            "96b646399954599568b9283eb8c6f0338215866b20f32b55ebd56730dff0b17c",  # 4e67a60
            "b90848112934e147f86026966a9131a875a6dda12ee89cec3b5f785c8231df6c",  # 3077f54
            "c01e96eecd1f9251858d4903b489c2091b8d92dcbe0b0ae4c184798f46246afd",  # 6e20a09
            "1eb492374083881a138a236062197d9374c53f87cae4d52b198ea40cdc35f0e7",  # c490adf
            "46e6e698bf5e372224e57527d38273001b92797a382fa9c33538eb39cfd33cf3",  # 9080246
            "7aea1eefd708c24f3148524488e3dd3c9c03b076cda2b664e815f8594adbed32",  # 3f7add0
            "5b7106e1fdf3b1f53fad8dea5db71f8fd4eb479d227d1ab9d4161ce08037d371",  # 44069e3
            "6da1c709b39c64af3e0c9b3f1dc82cc4a67aeaaeb0b3d61a153b43172379c93f",  # 78a1cbe
            "d5c90c61434863a761ae2d39d4d2b119ddbbc01cc878579ec1b9eb9144baf950",  # 5110b54
            "8a78aeb676a0f632682ec109e148547fc5adb9bd10ea5d3c75b9be1412c6ca81",  # ac82b28
            "f65daba61044307477569ea61829209d691ec9cd283d794a53ae3087297e2f06",  # 4936a62
            "fe8b30c07ff913b2d33ab331c3a451e3e2263c2f6b6f1750112d340932aadad1",  # 3d1ebb3
            "0b871704ff1df4cdc19acf3c98fa23c41922fe8d53c4f214be3cdc6f522ed8dd",  # c4690e5
        }
    ),
    ("privacy", "fr"): frozenset(
        {
            "61816ee9dbb03b8d5964584340269e4c8c061341249b57f11be90d8811bf567f",  # 4e67a60
            "bbae9f7818195b738d37ffca174b52932c8536b3648636250086ca5880abd809",  # 3077f54
            "076de319aaad0a4e978b84e94b138af3018e56273539d44cf18eed7e7285d6df",  # 6e20a09
            "0b887218e5604f08564dc98f80b7a34d2ce452ac5f1604c6335620b279f3516d",  # c490adf
            "e22c46337510728df332af7ce938de27b9cd48c61927c8133206a3db6ddcca34",  # 9080246
            "05d3a3f6ca232efa69a04fa25d4c367728aef8191f4252bc5ad3876ab1cfc147",  # 3f7add0
            "e9fceda02b8a8b881658071438d766dac68c1c242758729a3aa1c6ee58c5f668",  # 44069e3
            "94fd7c07a6621369147e79fe789870a681ab5877e29e904c69078f1a1f6c89eb",  # 78a1cbe
            "8a0d26d18b9271b843fd61b4f7064f136d5faba4455f55702617712f46d495d5",  # 5110b54
            "bc201964694a2fe816f886ee7321b1dc11316606c914c274633c78992637e8d6",  # ac82b28
            "d8dff0171c5cb5dbe5586e4eb56cc44e2e96a9355485c03f38a72eee6bbcf152",  # 4936a62
            "c54eeba618df6dd1a3493611a7441f34dec1932ad1265302f016e0afead966f8",  # 3d1ebb3
            "8c5861376f9954a2f8b1fa424a17265a340e85591e1a613961617dd289aff805",  # c4690e5
        }
    ),
    ("privacy", "en"): frozenset(
        {
            "ebf7127aa5afe0285c306250fc028475dc5339e88b7b269c629901fe1d86beb4",  # 4e67a60
            "1c161b05c611ae03f81f72cd1981bd96cf384fb7cbc3f5b160ccf2ae57d616df",  # 3077f54
            "15c44a9e6c9753f0d1c75edd82bafd7169a2adc46fbb95d4b95f2c6e3a35f90d",  # 6e20a09
            "52c8c32e12ceb331521463156541500554e8001f23791aa31a9d4cdd5bda5f2c",  # c490adf
            "a16b7b2f31cfed3c1329ddcd6773af7e69ce90b0a468ac13a3b13adf76769dec",  # 9080246
            "8da9b6e37e4e3aabe08c1c54a7867d49665c5acfeb4a721a441d6492eec26b9d",  # 3f7add0
            "2d8defbdec7ce91a72e571fe2fb8efada004a44c42f6a7162fb4e79eb66d2e53",  # 44069e3
            "f025bd554ad8b3ad73e3efba1aff885390cc7d3f1790b35c9980436bb6dc0ef4",  # 78a1cbe
            "f1418725e743aa0079081c8fc530d6bb8c2e10f2120ab7d10bf9ba783f2c3c0d",  # 5110b54
            "0be6e52a4aaf5cd8f82b184c6e9b2d5e575eefc83b27155ef22c6e2cb8df311f",  # ac82b28
            "51a4ec4bd42a76b0660c962653de12042064c615bb862ae9ff17ad48e2e3f9b6",  # 4936a62
            "67953c3805afb305064a06c47a6268a47291ff4b66d5eeb2a2d93e6b7f706ae3",  # 3d1ebb3
            "e9f039a46395c266fa0f03739d84964350ec09d31832fb67b488900bcc1aa8cf",  # c4690e5
        }
    ),
    ("contact", "nl"): frozenset(
        {
            "c4a68d96e5bfb8139a6ca7a321044b44dcc63765faff9fca8d145855437cc4da",  # 4936a62
        }
    ),
    ("contact", "fr"): frozenset(
        {
            "24eb068d53a10ef8686c2eda2ddde9321eb58062af8ba4749c82da71983469a8",  # 4936a62
        }
    ),
    ("contact", "en"): frozenset(
        {
            "edba571c96a31a63a12e7ada1a1f005cffb4b79e20c4181acb97d83a2f538102",  # 4936a62
        }
    ),
}
