import Transport
print("scoretune")
