"""WeChat Official Account (residents) and WeCom (community staff) front ends.

wechatpy checks signatures, decrypts and parses the callbacks; the HTTP API is called with
httpx (asynchronous), because wechatpy's client is synchronous and fixes the token URLs.
"""
