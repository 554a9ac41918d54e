"""The patient web chat: invite links, device sessions and a Rasa input channel.

``bot.channels.patient.PatientInput`` is the only channel patients reach in
production. The conversation id always comes from the patient's device
session on the server, never from the client.
"""
